import { CASE_STATUSES, type CaseStatus } from '../../src/domain/election.ts';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { isRecord } from './objects.ts';

/** What the case card shows of an incident: its status (new when never set), assignee and referral. */
export interface CaseView {
  readonly status: CaseStatus;
  readonly assignee: string | null;
  readonly referral: { readonly agency: string; readonly referredAt: string; readonly reference: string | null } | null;
  readonly category: string | null;
}

export function readCase(object: Readonly<Record<string, unknown>>): CaseView {
  const extensions = object['extensions'];
  const ext = isRecord(extensions) && isRecord(extensions[RAMPART_EXTENSION_ID]) ? extensions[RAMPART_EXTENSION_ID] : {};
  const status = CASE_STATUSES.find((s) => s === ext['case_status']) ?? 'new';
  const r = ext['law_enforcement_referral'];
  const referral =
    isRecord(r) && typeof r['agency'] === 'string' && typeof r['referred_at'] === 'string'
      ? { agency: r['agency'], referredAt: r['referred_at'], reference: typeof r['reference'] === 'string' ? r['reference'] : null }
      : null;
  return { status, assignee: typeof ext['assignee'] === 'string' ? ext['assignee'] : null, referral, category: typeof ext['incident_category'] === 'string' ? ext['incident_category'] : null };
}

export const CASE_STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  investigating: 'Investigating',
  contained: 'Contained',
  resolved: 'Closed (resolved)',
  reopened: 'Reopened',
};

/** The words on the button that moves a case to `to`. */
export function moveLabel(to: CaseStatus): string {
  if (to === 'resolved') return 'Close the case';
  if (to === 'reopened') return 'Reopen';
  return `Mark ${CASE_STATUS_LABELS[to].toLowerCase()}`;
}

/** A `modified` for the next version of an object: now, or 1 ms after the previous one when the clock has not moved past it. */
export function nextModified(previous: unknown, now: Date): string {
  const before = typeof previous === 'string' ? Date.parse(previous) : NaN;
  return Number.isNaN(before) || now.getTime() > before ? now.toISOString() : new Date(before + 1).toISOString();
}
