import { readFile } from 'node:fs/promises';

/** Whether a command's argument names a web address rather than a file. */
export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** Reads JSON from a file or a web address, for the commands that check downloaded documents (verify, transparency verify). */
export async function readJson(source: string): Promise<Read<unknown>> {
  let text: string;
  try {
    if (isUrl(source)) {
      const res = await fetch(source, { headers: { accept: 'application/json' } });
      if (!res.ok) return { ok: false, error: `${source} answered HTTP ${res.status}` };
      text = await res.text();
    } else {
      text = await readFile(source, 'utf8');
    }
  } catch (error) {
    return { ok: false, error: `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: `${source} is not JSON` };
  }
}
