/**
 * The publishers of the built-in knowledge base (their STIX identities, the `created_by_ref` of its
 * objects): reference material, not news, so the dashboard does not list it as "shared with you".
 */
export const KNOWLEDGE_BASE_PUBLISHERS: ReadonlySet<string> = new Set([
  'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5', // The MITRE Corporation (ATT&CK)
  'identity--f1a0f560-2d9e-4c5d-bf47-7e96e805de82', // DISARM Foundation
]);
