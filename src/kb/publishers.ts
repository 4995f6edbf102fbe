/**
 * The publishers of the built-in knowledge base (their STIX identities, the `created_by_ref` of its
 * objects): reference material, not news, so the dashboard does not list it as "shared with you".
 */
export const KNOWLEDGE_BASE_PUBLISHERS: ReadonlySet<string> = new Set([
  'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5', // The MITRE Corporation (ATT&CK)
  'identity--f1a0f560-2d9e-4c5d-bf47-7e96e805de82', // DISARM Foundation
]);

/**
 * The publishers' copyright statements (marking definitions they made). Some of their objects carry no
 * `created_by_ref` (DISARM's relationships, a few ATT&CK ones) but always one of these markings.
 */
export const KNOWLEDGE_BASE_MARKINGS: ReadonlySet<string> = new Set([
  'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168', // © The MITRE Corporation (ATT&CK)
  'marking-definition--f79f25d2-8b96-4580-b169-eb7b613a7c31', // CC-BY-SA-4.0 DISARM Foundation
]);
