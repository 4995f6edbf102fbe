/** The properties that say what a version points at, by type: what `ListQuery.refersTo` finds. */
export const REF_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  sighting: ['sighting_of_ref'],
  relationship: ['source_ref', 'target_ref'],
  note: ['object_refs'],
  // What an object page lists as "referred to by" (migration 0029 indexed those stored before).
  report: ['object_refs'],
  opinion: ['object_refs'],
  grouping: ['object_refs'],
};
export const NO_REFS: readonly string[] = [];

/** The distinct ids an object of `type` points at, read from the parsed object (what IncomingObject.refs carries). */
export function stixRefs(type: string, object: Readonly<Record<string, unknown>>): readonly string[] {
  const properties = REF_PROPERTIES[type];
  if (properties === undefined) return NO_REFS;
  const refs: string[] = [];
  for (const p of properties) {
    const value = object[p];
    // object_refs is a list: an incident's timeline is "the notes that refer to it".
    for (const ref of Array.isArray(value) ? (value as unknown[]) : [value]) if (typeof ref === 'string' && !refs.includes(ref)) refs.push(ref);
  }
  return refs;
}
