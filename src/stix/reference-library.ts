/**
 * The reference library: the built-in knowledge base's publishers (MITRE ATT&CK, DISARM) and what they
 * publish. Reference material is not news, so the working lists leave it out unless asked for; the store
 * keeps a flag per version (stix_version.reference, migration 0034) so a list can leave it out without
 * reading each object's JSON.
 */

/** The publishers of the built-in knowledge base (their STIX identities, the `created_by_ref` of its objects). */
export const REFERENCE_PUBLISHERS: ReadonlySet<string> = new Set([
  'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5', // The MITRE Corporation (ATT&CK)
  'identity--f1a0f560-2d9e-4c5d-bf47-7e96e805de82', // DISARM Foundation
]);

/**
 * Declarations of how to read other objects, not news: marking definitions (TLP and statements) and extension
 * definitions (Rampart's own election extension among them), as the dashboard counts them.
 */
export const VOCABULARY_TYPES: ReadonlySet<string> = new Set(['marking-definition', 'extension-definition']);

/** What decides whether a version belongs to the reference library: its row's id, type and owner, and its JSON. */
export interface ReferenceCandidate {
  readonly id: string;
  readonly type: string;
  readonly owner: string;
  readonly json: string;
}

/**
 * True when the version is reference material: owned by a publisher (federation gives the knowledge base
 * a derived owner), one of the publishers' own identities, created by one of them (`created_by_ref`), or
 * ATT&CK's (an x-mitre- type, or an `x_mitre_version`: some ATT&CK entries name no creator); vocabulary (a marking
 * or extension definition, VOCABULARY_TYPES); or a member
 * organization's own identity (the hub's directory: an identity its organization owns), which is who is
 * here, not something anyone shared (a state's list opened on some 240 county records). The JSON is parsed
 * only when it names a publisher or x_mitre_version at all: most objects do not.
 */
export function isReferenceLibrary(v: ReferenceCandidate): boolean {
  if (REFERENCE_PUBLISHERS.has(v.owner) || REFERENCE_PUBLISHERS.has(v.id) || v.type.startsWith('x-mitre-') || VOCABULARY_TYPES.has(v.type)) return true;
  if (v.type === 'identity' && v.id === v.owner) return true;
  if (!v.json.includes('x_mitre_version') && ![...REFERENCE_PUBLISHERS].some((p) => v.json.includes(p))) return false;
  const o: unknown = JSON.parse(v.json);
  if (typeof o !== 'object' || o === null) return false;
  const { created_by_ref: creator, x_mitre_version: version } = o as Record<string, unknown>;
  return (typeof creator === 'string' && REFERENCE_PUBLISHERS.has(creator)) || (version !== undefined && version !== null);
}
