import { REFERENCE_PUBLISHERS } from '../stix/reference-library.ts';

/**
 * The publishers of the built-in knowledge base (their STIX identities, the `created_by_ref` of its
 * objects): reference material, not news, so the dashboard does not list it as "shared with you"
 * (src/stix/reference-library.ts, where the store's reference flag is decided, holds the list).
 */
export const KNOWLEDGE_BASE_PUBLISHERS: ReadonlySet<string> = REFERENCE_PUBLISHERS;

/**
 * The publishers' copyright statements (marking definitions they made). Some of their objects carry no
 * `created_by_ref` (DISARM's relationships, a few ATT&CK ones) but always one of these markings.
 */
export const KNOWLEDGE_BASE_MARKINGS: ReadonlySet<string> = new Set([
  'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168', // © The MITRE Corporation (ATT&CK)
  'marking-definition--f79f25d2-8b96-4580-b169-eb7b613a7c31', // CC-BY-SA-4.0 DISARM Foundation
]);
