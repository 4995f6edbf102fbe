import type { StixId } from '../domain/ids.ts';
import type { Reader, StixStore } from '../store/types.ts';

/** An incident's title as `reader` may see it (its latest version shared with the reader), or null when it may not. */
export async function incidentTitle(stix: Pick<StixStore, 'get'>, reader: Reader, id: StixId): Promise<{ readonly id: StixId; readonly title: string } | null> {
  const found = await stix.get(reader, id);
  if (found === null || found.type !== 'incident') return null;
  const name = (JSON.parse(found.json) as { readonly name?: unknown }).name;
  return { id, title: typeof name === 'string' && name !== '' ? name : 'Untitled incident' };
}
