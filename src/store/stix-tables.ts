/** The STIX tables of migrations 0001 and 0007, as Kysely sees them. */
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
  /** The object's sharing, the same on all its versions. */
  owner: string;
  tlp: string;
  /** JSON array of audience keys, in the order the owner gave them. */
  audience: string;
};

/** One row per version and audience key: the version's added_us and the key. */
export type StixAudienceTable = {
  key: string;
  added_us: number;
};

/** One row per version and object it points at (sighting_of_ref, source_ref, target_ref; migration 0007). */
export type StixRefTable = {
  ref: string;
  added_us: number;
};

export type StixClockTable = {
  one: number;
  last_us: number;
};

export type StixTables = {
  stix_version: StixVersionTable;
  stix_audience: StixAudienceTable;
  stix_ref: StixRefTable;
  stix_clock: StixClockTable;
};
