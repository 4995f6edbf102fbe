import { readFileSync } from 'node:fs';

/** Rampart's version as package.json says (two folders up from src/cli and from dist/cli alike); bin/rampart.mjs reads the same field. */
export function rampartVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}
