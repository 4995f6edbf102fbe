import { scanForVoterData, type FieldPath } from './scan-object.ts';
import { VOTER_DATA_WORDS, type VoterDataKind } from './voter-data.ts';

export { scanForVoterData, type FieldPath, type VoterDataFinding } from './scan-object.ts';
export { findVoterData, VOTER_DATA_KINDS, VOTER_DATA_WORDS, type VoterDataKind } from './voter-data.ts';

/** The problem code every path reports voter personal data under. */
export const VOTER_DATA_CODE = 'voter-personal-data';

export interface VoterDataProblem {
  readonly at: FieldPath;
  readonly kind: VoterDataKind;
  readonly code: typeof VOTER_DATA_CODE;
  /** Names the field and the kind of data; never the value. */
  readonly message: string;
}

function fieldName(at: FieldPath): string {
  const last = [...at].reverse().find((s): s is string => typeof s === 'string');
  return last === undefined ? 'this object' : last;
}

/** Voter personal data in an object, each as a problem that says what to do. */
export function voterDataProblems(object: Readonly<Record<string, unknown>>): VoterDataProblem[] {
  return scanForVoterData(object).map(({ at, kind }) => ({
    at,
    kind,
    code: VOTER_DATA_CODE,
    message: `${fieldName(at)} holds what looks like ${VOTER_DATA_WORDS[kind]}; Rampart stores no personal data of voters (count them instead): remove it and send the object again`,
  }));
}
