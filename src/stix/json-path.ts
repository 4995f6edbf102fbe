/** JSON paths in problem reports: `$.objects[3].external_references[0].url`. */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return PLAIN.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** Turns a JSON pointer (`/external_references/0/url`) relative to `base` into a JSON path. */
export function pointerToPath(base: string, pointer: string): string {
  if (pointer === '') return base;
  let path = base;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^(0|[1-9][0-9]*)$/.test(key) ? joinPath(path, Number(key)) : joinPath(path, key);
  }
  return path;
}
