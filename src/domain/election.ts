/** Election functions an incident or asset can touch (the parts of an election adversaries target). */
export const ELECTION_FUNCTIONS = [
  'voter-registration',
  'pollbooks',
  'ballot-delivery',
  'voting',
  'vote-counting',
  'tallying',
  'results-reporting',
  'election-communications',
] as const;
export type ElectionFunction = (typeof ELECTION_FUNCTIONS)[number];

/** Kinds of election infrastructure, for `infrastructure` objects with the Rampart extension. */
export const ELECTION_ASSET_TYPES = [
  'voter-registration-system',
  'e-pollbook',
  'ballot-marking-device',
  'tabulator',
  'election-management-system',
  'results-website',
  'election-office-website',
  'email',
  'network',
  'other',
] as const;
export type ElectionAssetType = (typeof ELECTION_ASSET_TYPES)[number];

/** What kind of incident: a cyberattack, an influence operation (disinformation), physical or operational. */
export const INCIDENT_CATEGORIES = ['cyber', 'influence', 'physical', 'operational'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export const SEVERITIES = ['low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Election-day status of a jurisdiction's operations. */
export const STATUS_LEVELS = ['normal', 'degraded', 'disrupted'] as const;
export type StatusLevel = (typeof STATUS_LEVELS)[number];
