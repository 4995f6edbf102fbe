import { isElectionFunction, isStatusLevel, type ElectionFunction, type StatusLevel } from '../domain/election.ts';
import { organizationId } from '../domain/organization.ts';
import { STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';
import { microsFromIso } from '../stix/timestamp.ts';

/** A status_report row (migration 0012), as Kysely sees it. */
export type StatusReportTable = {
  added_us: number;
  election_ref: string;
  jurisdiction_ref: string;
  state_fips: string;
  reported_us: number;
  trusted: number;
  levels: string;
};

export type ElectionExpectationTable = {
  election_ref: string;
  state_fips: string;
  jurisdiction_ref: string;
  phase: string;
  report_every_minutes: number | null;
  declined: number;
  set_by: string;
  set_at: number;
};

export type ElectionTables = {
  status_report: StatusReportTable;
  election_expectation: ElectionExpectationTable;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The state office of a state or territory: its identity id is derived from its FIPS code (domain/organization.ts). */
export function stateOfficeId(stateFips: string): string {
  return organizationId({ kind: 'state', name: stateFips, state_fips: stateFips });
}

/** A status_report row before its version has an added time: the time the report claims (`created`), if any, instead. */
export type StatusIndexParts = Omit<StatusReportTable, 'added_us' | 'reported_us'> & { readonly claimedUs: number | null };

/** The parts of a status_report row that do not depend on when the store received it; null when it is not a status report the validator passed. */
export function statusIndexParts(type: string, json: string, owner: string): StatusIndexParts | null {
  if (type !== STATUS_REPORT_TYPE) return null;
  const object = JSON.parse(json) as unknown;
  if (!isRecord(object)) return null;
  const { election_ref: election, jurisdiction_ref: jurisdiction, state_fips: state, functions, created } = object;
  if (typeof election !== 'string' || typeof jurisdiction !== 'string' || typeof state !== 'string' || !isRecord(functions)) return null;
  const levels: Partial<Record<ElectionFunction, StatusLevel>> = {};
  for (const [fn, status] of Object.entries(functions)) {
    const level = isRecord(status) ? status['level'] : undefined;
    if (isElectionFunction(fn) && isStatusLevel(level)) levels[fn] = level;
  }
  return {
    election_ref: election,
    jurisdiction_ref: jurisdiction,
    state_fips: state,
    claimedUs: typeof created === 'string' ? microsFromIso(created) : null,
    trusted: owner === jurisdiction || owner === stateOfficeId(state) ? 1 : 0,
    levels: JSON.stringify(levels),
  };
}

/**
 * The status_report row of a version received at `addedUs`. Its time is the earlier of what it claims (`created`) and when
 * this store received it, so a report can never look fresher than it is.
 */
export function statusRowOf(addedUs: number, parts: StatusIndexParts): StatusReportTable {
  const { claimedUs, ...row } = parts;
  return { added_us: addedUs, ...row, reported_us: claimedUs === null ? addedUs : Math.min(claimedUs, addedUs) };
}

/** The status_report row of a stored version, or null when it is not a status report the validator passed (statusIndexParts, statusRowOf). */
export function statusIndexRow(addedUs: number, type: string, json: string, owner: string): StatusReportTable | null {
  const parts = statusIndexParts(type, json, owner);
  return parts === null ? null : statusRowOf(addedUs, parts);
}
