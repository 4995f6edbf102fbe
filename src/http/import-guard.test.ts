import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleUploads, UploadTooLargeError, withSpooledUpload } from './import-guard.ts';

let base: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'rampart-spool-test-'));
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield await Promise.resolve(part);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('upload spooling', () => {
  it('removes the spooled file after use, whether the import succeeded, failed or the upload was too large', async () => {
    expect(await withSpooledUpload(chunks('{"type":', '"bundle"}'), 1000, collect, base)).toBe('{"type":"bundle"}');
    expect(readdirSync(base)).toEqual([]);
    await expect(withSpooledUpload(chunks('x'), 1000, () => Promise.reject(new Error('import failed')), base)).rejects.toThrow('import failed');
    expect(readdirSync(base)).toEqual([]);
    await expect(withSpooledUpload(chunks('x'.repeat(2000)), 1000, collect, base)).rejects.toBeInstanceOf(UploadTooLargeError);
    expect(readdirSync(base)).toEqual([]);
  });

  it("removes at start the spools of servers that were killed, and keeps a running server's", async () => {
    // A process that has exited: its pid names no running process now.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    for (const name of [`rampart-upload-${dead}-aB3xYz`, `rampart-upload-${process.pid}-cD4wVu`, 'rampart-upload-Qx81Lm', 'unrelated-dir']) {
      mkdirSync(path.join(base, name));
      writeFileSync(path.join(base, name, 'upload'), 'half an upload');
    }
    expect(await removeStaleUploads(base)).toBe(2);
    expect(readdirSync(base).sort()).toEqual([`rampart-upload-${process.pid}-cD4wVu`, 'unrelated-dir']);
    expect(await removeStaleUploads(base)).toBe(0);
  });
});
