import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { newSecretKeyText, parseSecretKey } from './secret-box.ts';

export interface ServerKey {
  readonly key: Buffer;
  /** Where it came from, for the start-up log: "RAMPART_SECRET_KEY" or the key file's path. */
  readonly source: string;
  /** True when the key file was written by this call (first start). */
  readonly created: boolean;
  /** Things the operator should fix that do not stop the start (a key file others can read). */
  readonly warnings: readonly string[];
}

/**
 * The server key that seals stored secrets: `RAMPART_SECRET_KEY` when set (hex or base64 of 32 bytes,
 * anything else refused), otherwise the key file at `keyFile`, written with a new random key (mode 0600)
 * when it does not exist yet.
 */
export function loadServerKey(envValue: string | undefined, keyFile: string): Result<ServerKey, Problem> {
  if (envValue !== undefined) {
    const parsed = parseSecretKey(envValue, 'RAMPART_SECRET_KEY');
    return parsed.ok ? ok({ key: parsed.value, source: 'RAMPART_SECRET_KEY', created: false, warnings: [] }) : parsed;
  }
  let created = false;
  try {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    // 'wx' fails when the file exists, so two servers starting at once never overwrite each other's key.
    writeFileSync(keyFile, `${newSecretKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      return err(problem('invalid', 'secret-key-file-unwritable', `cannot create the key file ${keyFile}: ${(error as Error).message}; make its folder writable, or set RAMPART_SECRET_KEY.`));
    }
  }
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    return err(problem('invalid', 'secret-key-file-unreadable', `cannot read the key file ${keyFile}: ${(error as Error).message}`));
  }
  const parsed = parseSecretKey(text, `The key file ${keyFile}`);
  if (!parsed.ok) return parsed;
  const warnings: string[] = [];
  if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) warnings.push(`the key file ${keyFile} can be read by other users of this machine; run "chmod 600 ${keyFile}"`);
  return ok({ key: parsed.value, source: keyFile, created, warnings });
}
