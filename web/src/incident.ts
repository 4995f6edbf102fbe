import type { AudienceKey } from '../../src/domain/audience.ts';
import type { ElectionFunction, IncidentCategory, Severity } from '../../src/domain/election.ts';
import { TLP_MARKING_IDS, type Tlp } from '../../src/domain/tlp.ts';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';

/** What the "report an incident or rumour" form collects. */
export interface IncidentForm {
  readonly whatHappened: string;
  readonly category: IncidentCategory | null;
  readonly functions: readonly ElectionFunction[];
  readonly severity: Severity | null;
  readonly stateFips: string | null;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
}

export interface FormIssue {
  readonly field: 'whatHappened' | 'category' | 'severity' | 'audience';
  readonly message: string;
}

/** Everything missing from the form, each with what to do; empty when it can be sent. */
export function formIssues(form: IncidentForm): FormIssue[] {
  const issues: FormIssue[] = [];
  if (form.whatHappened.trim().length < 10) issues.push({ field: 'whatHappened', message: 'Say what happened in a sentence or two (at least 10 characters).' });
  if (form.category === null) issues.push({ field: 'category', message: 'Choose what kind of incident this is.' });
  if (form.severity === null) issues.push({ field: 'severity', message: 'Choose how serious it is.' });
  if (form.audience.length === 0) issues.push({ field: 'audience', message: 'Choose at least one place to share it with.' });
  return issues;
}

const PREFIX: Readonly<Record<IncidentCategory, string>> = {
  cyber: 'Cyber incident',
  influence: 'False rumour',
  physical: 'Physical incident',
  operational: 'Operational issue',
  'threat-to-election-workers': 'Threat to election workers',
};

/** A title from the first sentence of the description: "False rumour: polls close at noon". */
export function incidentTitle(category: IncidentCategory | null, text: string): string {
  const first = text.trim().split(/(?<=[.!?])\s|\n/)[0]?.trim() ?? '';
  const clipped = first.length > 90 ? `${first.slice(0, 89).trimEnd()}…` : first;
  const head = clipped.replace(/[.!?]+$/, '');
  return category === null ? head : `${PREFIX[category]}: ${head}`;
}

/** The STIX 2.1 incident with the Rampart election extension that POST /api/v1/objects receives. */
export function buildIncident(form: IncidentForm, ownerId: string, now: Date, uuid: string): Record<string, unknown> {
  const at = now.toISOString();
  const ext: Record<string, unknown> = { extension_type: 'property-extension' };
  if (form.category !== null) ext['incident_category'] = form.category;
  if (form.severity !== null) ext['severity'] = form.severity;
  if (form.functions.length > 0) ext['election_functions'] = [...form.functions];
  if (form.stateFips !== null) ext['state_fips'] = form.stateFips;
  return {
    type: 'incident',
    spec_version: '2.1',
    id: `incident--${uuid}`,
    created: at,
    modified: at,
    created_by_ref: ownerId,
    name: incidentTitle(form.category, form.whatHappened),
    description: form.whatHappened.trim(),
    object_marking_refs: [TLP_MARKING_IDS[form.tlp]],
    extensions: { [RAMPART_EXTENSION_ID]: ext },
  };
}
