import type { Generated } from 'kysely';
import type { StatusReportTable } from './status-index.ts';

/** The STIX tables of migrations 0001, 0007, 0008 and 0012, as Kysely sees them. */
export type StixVersionTable = {
  /** Microseconds since the epoch when the version was added; unique and increasing per store. */
  added_us: number;
  id: string;
  type: string;
  modified: string | null;
  /** `modified` normalised to nanosecond precision so text order is time order; '' when absent. */
  mod_key: string;
  revoked: number;
  is_latest: number;
  name: string | null;
  description: string | null;
  json: string;
  /** The object's owner, the same on all its versions. */
  owner: string;
  /** This version's own TLP (its marking): versions of one object may differ. */
  tlp: string;
  /**
   * JSON array of the audience keys this version has now, in the order the owner gave them: the
   * object's audience on its newest version, and on older ones what their own TLP lets of it through
   * (olderVersionAudience). The stix_audience rows of the version hold the same keys.
   */
  audience: string;
  /** RED versions: the people (user:<id> keys, JSON) named while it was the newest version; null otherwise (migration 0012). */
  named_users: string | null;
  /** 1 when the version belongs to the reference library (ATT&CK, DISARM; src/stix/reference-library.ts), else 0 (migration 0034). */
  reference: number;
};

/** One row per version and audience key: the version's added_us and the key. */
export type StixAudienceTable = {
  key: string;
  added_us: number;
  /** The version's own reference flag (StixVersionTable.reference), so a list can leave the library out inside the key's range (migration 0040). */
  reference: number;
  /** The version's own latest flag and type (StixVersionTable.is_latest, .type), so a list's total is counted inside the key's range (migration 0050). */
  is_latest: number;
  type: string;
};

/** One row per version and object it points at (sighting_of_ref, source_ref, target_ref; migration 0007). */
export type StixRefTable = {
  ref: string;
  added_us: number;
};

/** One row per version and observable value it names (migration 0022; src/store/search-values.ts). */
export type StixValueTable = {
  kind: string;
  value: string;
  prefix: number;
  added_us: number;
  /** The version's owner and audience columns, copied and kept in step (SQLite migration 0045, PostgreSQL 0047), so a value search applies the sharing rule in the value's range. */
  owner: string;
  audience: string;
};

/** SQLite only: the FTS5 index of a version's name and description, its rowid the version's added_us (migration 0022). */
export type StixFtsTable = {
  rowid: number;
  name: string;
  description: string;
  /** The version's owner and audience keys as words (sharingWords, migration 0046). */
  sharing: string;
};

export type StixClockTable = {
  one: number;
  last_us: number;
};

/** Writes per STIX type (migration 0028): bumped in every write transaction that changes versions of the type. */
export type StixChangeTable = {
  type: string;
  n: number;
};

export type StixTables = {
  /** Status reports indexed for the election-day roll-up (migration 0012; src/store/status-index.ts). */
  status_report: StatusReportTable;
  stix_version: StixVersionTable;
  stix_audience: StixAudienceTable;
  stix_ref: StixRefTable;
  stix_value: StixValueTable;
  stix_fts: StixFtsTable;
  stix_clock: StixClockTable;
  /** Changes of sharing in the order made (migration 0027), read by the alert matcher from its cursor. */
  stix_reshare: { seq: Generated<number>; id: string; owner: string; at_us: number | null };
  stix_change: StixChangeTable;
};
