import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { CONTINGENCIES, ELECTION_FUNCTIONS, ELECTION_PHASES, isElectionFunction, isStatusLevel, STATUS_LEVELS } from '../domain/election.ts';
import { stateByFips } from '../domain/organization-data.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { joinPath } from './json-path.ts';
import { ELECTION_TYPE, ElectionPropertiesSchema, ElectionSchema, RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE, StatusReportSchema } from './rampart-extension.ts';
import { compareTimestamps } from './timestamp.ts';

type Report = (detail: Omit<ProblemDetail, 'id'>) => unknown;
/** Turns a TypeBox error into a problem (validate.ts's mapping), or undefined when another error already says it. */
export type SchemaProblem = (error: ValueError, base: string) => Omit<ProblemDetail, 'id'> | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const CONTINGENCY_SET: ReadonlySet<string> = new Set(CONTINGENCIES);

let compiled: { status: TypeCheck<TSchema>; election: TypeCheck<TSchema>; properties: TypeCheck<TSchema> } | undefined;
const checks = () => (compiled ??= { status: TypeCompiler.Compile(StatusReportSchema), election: TypeCompiler.Compile(ElectionSchema), properties: TypeCompiler.Compile(ElectionPropertiesSchema) });

/**
 * The Rampart extension's rules (src/stix/rampart-extension.ts), checked on every path that
 * validates STIX (REST, TAXII POST, import, federation pull): a status report must name at least
 * one known election function, each with a known level; an election its states and phases; the
 * property extension on incidents and infrastructure only known functions, categories and assets.
 */
export function checkRampart(object: Readonly<Record<string, unknown>>, type: string, path: string, report: Report, schemaProblem: SchemaProblem): void {
  if (type === STATUS_REPORT_TYPE) checkStatusReport(object, path, report, schemaProblem);
  else if (type === ELECTION_TYPE) checkElection(object, path, report, schemaProblem);
  const extensions = object['extensions'];
  const own = isRecord(extensions) ? extensions[RAMPART_EXTENSION_ID] : undefined;
  const at = joinPath(joinPath(path, 'extensions'), RAMPART_EXTENSION_ID);
  if (type === STATUS_REPORT_TYPE || type === ELECTION_TYPE) {
    if (!isRecord(own) || own['extension_type'] !== 'new-sdo') {
      report({ path: at, code: 'missing-property', message: `a ${type} carries extensions["${RAMPART_EXTENSION_ID}"] = {"extension_type": "new-sdo"}, the Rampart extension that defines it` });
    }
  } else if (isRecord(own) && own['extension_type'] === 'property-extension') {
    checkProperties(own, at, report, schemaProblem);
    const types = object['report_types'];
    if (own['rumour_control'] !== undefined && (type !== 'report' || !Array.isArray(types) || !types.includes('rumour-control'))) {
      report({ path: joinPath(at, 'rumour_control'), code: 'rumour-control-not-a-report', message: 'rumour_control belongs on a report whose report_types include "rumour-control"' });
    }
  }
}

function schemaErrors(check: TypeCheck<TSchema>, value: unknown, path: string, report: Report, schemaProblem: SchemaProblem): boolean {
  if (check.Check(value)) return false;
  for (const error of check.Errors(value)) {
    const detail = schemaProblem(error, path);
    if (detail !== undefined) report(detail);
  }
  return true;
}

function checkFunctions(value: unknown, path: string, report: Report): boolean {
  const at = joinPath(path, 'functions');
  if (value === undefined) {
    report({ path: at, code: 'missing-property', message: 'functions is required: name at least one election function and its level, e.g. {"voting": {"level": "normal"}}' });
    return false;
  }
  if (!isRecord(value)) {
    report({ path: at, code: 'wrong-type', message: 'functions must be an object of election function to its status, e.g. {"voting": {"level": "normal"}}' });
    return false;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    report({ path: at, code: 'no-functions', message: 'a status report names at least one election function and its level; an empty report would read as "nothing wrong" without saying so' });
    return false;
  }
  let good = true;
  for (const key of keys) {
    const fnAt = joinPath(at, key);
    if (!isElectionFunction(key)) {
      report({ path: fnAt, code: 'unknown-election-function', message: `"${key}" is not an election function; use one of ${ELECTION_FUNCTIONS.join(', ')}` });
      good = false;
      continue;
    }
    const entry = value[key];
    if (!isRecord(entry)) {
      report({ path: fnAt, code: 'wrong-type', message: `${key} must be an object with its level, e.g. {"level": "normal"}` });
      good = false;
      continue;
    }
    const level = entry['level'];
    if (level === undefined) {
      report({ path: joinPath(fnAt, 'level'), code: 'missing-property', message: `${key} needs its level: one of ${STATUS_LEVELS.join(', ')}` });
      good = false;
    } else if (!isStatusLevel(level)) {
      report({ path: joinPath(fnAt, 'level'), code: 'unknown-status-level', message: `${JSON.stringify(level)} is not a status level; use one of ${STATUS_LEVELS.join(', ')} (no-report and stale are worked out by Rampart, never posted)` });
      good = false;
    }
    const contingencies = entry['contingencies'];
    if (Array.isArray(contingencies)) {
      contingencies.forEach((c, i) => {
        if (typeof c !== 'string' || !CONTINGENCY_SET.has(c)) {
          report({ path: joinPath(joinPath(fnAt, 'contingencies'), i), code: 'unknown-contingency', message: `${JSON.stringify(c)} is not a contingency; use one of ${CONTINGENCIES.join(', ')} and say more in the note` });
          good = false;
        }
      });
    }
  }
  return good;
}

function checkState(fips: unknown, at: string, report: Report): void {
  if (typeof fips === 'string' && /^[0-9]{2}$/.test(fips) && stateByFips(fips) === undefined) {
    report({ path: at, code: 'unknown-state', message: `${fips} is not the FIPS code of a US state, DC or territory` });
  }
}

function checkStatusReport(object: Readonly<Record<string, unknown>>, path: string, report: Report, schemaProblem: SchemaProblem): void {
  if (!checkFunctions(object['functions'], path, report)) return;
  if (schemaErrors(checks().status, object, path, report, schemaProblem)) return;
  const state = object['state_fips'];
  checkState(state, joinPath(path, 'state_fips'), report);
  const county = object['county_fips'];
  if (typeof county === 'string' && typeof state === 'string' && !county.startsWith(state)) {
    report({ path: joinPath(path, 'county_fips'), code: 'county-outside-state', message: `county ${county} is not in state ${state}: a county FIPS code starts with its state's` });
  }
}

function checkElection(object: Readonly<Record<string, unknown>>, path: string, report: Report, schemaProblem: SchemaProblem): void {
  if (schemaErrors(checks().election, object, path, report, schemaProblem)) return;
  const states = object['state_fips'] as string[];
  states.forEach((fips, i) => checkState(fips, joinPath(joinPath(path, 'state_fips'), i), report));
  const phases = object['phases'] as { phase: string; start: string; end: string }[];
  const seen = new Set<string>();
  phases.forEach((p, i) => {
    const at = joinPath(joinPath(path, 'phases'), i);
    if (seen.has(p.phase)) report({ path: joinPath(at, 'phase'), code: 'duplicate-phase', message: `${p.phase} is listed twice; give each phase once, with its own dates` });
    seen.add(p.phase);
    if (compareTimestamps(p.end, p.start) <= 0) report({ path: joinPath(at, 'end'), code: 'invalid-value', message: `the ${p.phase} phase ends (${p.end}) before it starts (${p.start})` });
  });
  if (!seen.has('election-day')) {
    report({ path: joinPath(path, 'phases'), code: 'missing-phase', message: `an election needs its election-day phase (start and end of voting); the phases are ${ELECTION_PHASES.join(', ')}` });
  }
}

function checkProperties(ext: Readonly<Record<string, unknown>>, at: string, report: Report, schemaProblem: SchemaProblem): void {
  const functions = ext['election_functions'];
  if (Array.isArray(functions)) {
    functions.forEach((f, i) => {
      if (!isElectionFunction(f)) report({ path: joinPath(joinPath(at, 'election_functions'), i), code: 'unknown-election-function', message: `${JSON.stringify(f)} is not an election function; use one of ${ELECTION_FUNCTIONS.join(', ')}` });
    });
  }
  // Only the properties this extension defines are checked here; the rest is free for later versions.
  const known = Object.fromEntries(Object.entries(ext).filter(([k]) => k in ElectionPropertiesSchema.properties && k !== 'election_functions'));
  schemaErrors(checks().properties, { ...known, extension_type: 'property-extension' }, at, report, schemaProblem);
  checkState(ext['state_fips'], joinPath(at, 'state_fips'), report);
  const rumour = ext['rumour_control'];
  if (isRecord(rumour)) checkState(rumour['state_fips'], joinPath(joinPath(at, 'rumour_control'), 'state_fips'), report);
}
