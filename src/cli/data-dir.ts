import { statSync } from 'node:fs';

/**
 * Why `rampart serve` must not keep `files` (the server key, the demo passwords) in `dir`, the folder beside the
 * database, or null when it may: a folder every user of the machine can write (/tmp, /var/tmp) lets them read a file
 * written before its mode is set, or plant their own key there first. Docs: docs/accounts.md, the server key.
 */
export function sharedFolderProblem(dir: string, files: readonly string[], platform: NodeJS.Platform = process.platform): string | null {
  if (files.length === 0 || platform === 'win32') return null;
  let mode: number;
  try {
    mode = statSync(dir).mode;
  } catch {
    return null; // not there yet: the key file's own error names the folder
  }
  if ((mode & 0o002) === 0) return null;
  const names = files.join(' and ');
  return (
    `${dir} can be written by every user of this machine, so Rampart will not keep ${names} there beside the database. ` +
    `Give the database a folder of its own, e.g. --db ${dir.replace(/\/+$/, '')}/rampart/rampart.sqlite (the folder is created)` +
    (files.includes('secret.key') ? ', or set RAMPART_SECRET_KEY.' : '.')
  );
}
