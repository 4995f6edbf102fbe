import { useEffect, useState } from 'react';
import { call } from './api.ts';

/**
 * Readable titles from the server for the ids given (a sighting: "Sighting of <indicator> by <organization> on
 * <day>", naming only what the reader may see); empty until they arrive, and for ids the reader may not see.
 */
export function useTitles(ids: readonly string[]): ReadonlyMap<string, string> {
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  const key = ids.join(',');
  useEffect(() => {
    if (key === '') return;
    let current = true;
    void call('post', '/api/v1/titles', { body: { ids: key.split(',') } }).then((res) => {
      if (!current || !res.ok) return;
      setTitles(new Map(res.value.items.flatMap((i) => (i.title === null ? [] : [[i.id, i.title] as const]))));
    });
    return () => {
      current = false;
    };
  }, [key]);
  return titles;
}
