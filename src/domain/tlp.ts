import tlpIds from './tlp-ids.json' with { type: 'json' };

/** TLP 2.0 levels, least to most restrictive. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/** Official STIX marking-definition ids of TLP 2.0 (OASIS cti-stix-common-objects). */
export const TLP_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  clear: tlpIds.tlp_2_0['TLP:CLEAR'],
  green: tlpIds.tlp_2_0['TLP:GREEN'],
  amber: tlpIds.tlp_2_0['TLP:AMBER'],
  'amber+strict': tlpIds.tlp_2_0['TLP:AMBER+STRICT'],
  red: tlpIds.tlp_2_0['TLP:RED'],
};

/** TLP 1.0 ids (STIX 2.1 §7.2.1.4) and the TLP 2.0 level each maps to on import. */
export const TLP1_TO_TLP2: Readonly<Record<string, Tlp>> = {
  [tlpIds.tlp_1_0['TLP:WHITE']]: 'clear',
  [tlpIds.tlp_1_0['TLP:GREEN']]: 'green',
  [tlpIds.tlp_1_0['TLP:AMBER']]: 'amber',
  [tlpIds.tlp_1_0['TLP:RED']]: 'red',
};

const BY_MARKING_ID: ReadonlyMap<string, Tlp> = new Map([
  ...TLP_LEVELS.map((level) => [TLP_MARKING_IDS[level], level] as const),
  ...Object.entries(TLP1_TO_TLP2),
]);

/** The TLP level named by a marking-definition id (TLP 1.0 or 2.0), if it is one. */
export function tlpOfMarking(markingId: string): Tlp | undefined {
  return BY_MARKING_ID.get(markingId);
}

/** The most restrictive TLP among an object's marking refs, if any is a TLP marking. */
export function tlpOfMarkings(markingRefs: readonly string[]): Tlp | undefined {
  let found: Tlp | undefined;
  for (const ref of markingRefs) {
    const level = tlpOfMarking(ref);
    if (level !== undefined && (found === undefined || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(found))) found = level;
  }
  return found;
}

export function tlpLabel(level: Tlp): string {
  return `TLP:${level.toUpperCase()}`;
}

export function parseTlp(value: string): Tlp | undefined {
  const v = value.trim().toLowerCase().replace(/^tlp:/, '');
  return (TLP_LEVELS as readonly string[]).includes(v) ? (v as Tlp) : undefined;
}
