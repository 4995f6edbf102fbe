import { describe, expect, it } from 'vitest';
import { splitLines } from './lines.ts';
import type { LineProblem } from './record.ts';

async function split(chunks: readonly (Uint8Array | string)[]): Promise<{ lines: string[]; bad: [number, LineProblem['code']][] }> {
  const lines: string[] = [];
  const bad: [number, LineProblem['code']][] = [];
  await splitLines(chunks, { line: (text) => lines.push(text), bad: (n, p) => bad.push([n, p.code]) });
  return { lines, bad };
}

/** The lines as a handler with lineAt sees them (each cut out of its block only here). */
async function splitAt(chunks: readonly (Uint8Array | string)[]): Promise<{ lines: string[]; bad: [number, LineProblem['code']][] }> {
  const lines: string[] = [];
  const bad: [number, LineProblem['code']][] = [];
  await splitLines(chunks, { line: () => bad.push([0, 'no-header']), lineAt: (text, start, end) => lines.push(text.slice(start, end)), bad: (n, p) => bad.push([n, p.code]) });
  return { lines, bad };
}

describe('splitLines', () => {
  it('hands a handler with lineAt the same lines, in place in their blocks', async () => {
    const chunks = [Buffer.from('a.example\r\nstädte.example\npla'), 'in\r\n\n', Buffer.from([0x66, 0xff, 0x0a]), Buffer.from('x'.repeat(70_000) + '\nend\r')];
    const expected = await split(chunks);
    expect(expected.lines).toEqual(['a.example', 'städte.example', 'plain', '', 'x'.repeat(70_000), 'end']);
    expect(await splitAt(chunks)).toEqual(expected);
    expect(await splitAt([Buffer.from('y'.repeat(20) + '\nz\n')])).toEqual({ lines: ['y'.repeat(20), 'z'], bad: [] });
  });

  it('reads ASCII chunks and UTF-8 sequences cut at chunk boundaries alike', async () => {
    const bytes = Buffer.from('a.example\r\nstädte.example\nplain\n€uro\n');
    const whole = await split([bytes]);
    expect(whole).toEqual({ lines: ['a.example', 'städte.example', 'plain', '€uro'], bad: [] });
    // Every cut point, including inside "ä" and "€", gives the same lines.
    for (let cut = 1; cut < bytes.length; cut++) expect(await split([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
  });

  it('still reports invalid UTF-8 and NUL bytes in ASCII and non-ASCII chunks', async () => {
    const result = await split([Buffer.from('ok\n'), Buffer.from([0x66, 0xff, 0x0a]), Buffer.from('x\u0000y\nend')]);
    expect(result).toEqual({ lines: ['ok', 'end'], bad: [[2, 'binary-data'], [3, 'binary-data']] });
  });
});
