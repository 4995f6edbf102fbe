import { isAscii } from 'node:buffer';
import type { LineProblem } from './record.ts';

export interface LineHandler {
  line(text: string, lineNumber: number): void;
  /**
   * When given, called instead of `line` with the line as `text.slice(start, end)` left unsliced: `text` is the block of
   * the log it was decoded in (one line costs no string of its own). When that block is ASCII, `codes` holds its bytes,
   * which are its character codes (`codes[i]` is `text.charCodeAt(i)`) and cheaper to read.
   */
  lineAt?(text: string, start: number, end: number, lineNumber: number, codes?: Uint8Array): void;
  bad(lineNumber: number, problem: LineProblem): void;
}

export interface SplitOptions {
  /** Longest line accepted, in characters (default 1 MiB); longer lines are skipped and reported. */
  readonly maxLineLength?: number;
  /** Progress: total bytes read so far. */
  readonly onBytes?: (total: number) => void;
}

export const DEFAULT_MAX_LINE = 1 << 20;
const SEGMENT = 1 << 16;

/**
 * Splits a byte stream into lines without ever holding more than one line and one chunk:
 * CRLF or LF endings, a line that is not UTF-8 text or is too long is reported, not passed on.
 */
export async function splitLines(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, handler: LineHandler, options: SplitOptions = {}): Promise<number> {
  const max = options.maxLineLength ?? DEFAULT_MAX_LINE;
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let skipping = false;
  let lineNumber = 0;
  let bytes = 0;
  // Whether the current chunk holds a NUL or an undecodable byte at all: most chunks do not, and then no line needs the check.
  let suspect = true;
  let clean = true;
  const emit = (text: string, start: number, end: number, codes?: Uint8Array) => {
    lineNumber++;
    const last = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (skipping) {
      skipping = false;
      handler.bad(lineNumber, { code: 'line-too-long', message: `line ${lineNumber} is longer than ${max} characters; it was skipped` });
      return;
    }
    if (last - start > max) {
      handler.bad(lineNumber, { code: 'line-too-long', message: `line ${lineNumber} is longer than ${max} characters; it was skipped` });
      return;
    }
    if (suspect) {
      const line = text.slice(start, last);
      if (line.includes('\u0000') || line.includes('\uFFFD')) {
        handler.bad(lineNumber, { code: 'binary-data', message: `line ${lineNumber} is not UTF-8 text (binary data?); it was skipped` });
        return;
      }
      if (handler.lineAt === undefined) handler.line(line, lineNumber);
      else handler.lineAt(line, 0, line.length, lineNumber);
      return;
    }
    if (handler.lineAt === undefined) handler.line(text.slice(start, last), lineNumber);
    else handler.lineAt(text, start, last, lineNumber, codes);
  };
  const feed = (text: string, codes?: Uint8Array) => {
    suspect = pending !== '' || text.includes('\u0000') || text.includes('\uFFFD');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (skipping) emit('', 0, 0);
      else if (pending === '') emit(text, start, nl, codes);
      else {
        const line = pending + text.slice(start, nl);
        emit(line, 0, line.length);
      }
      pending = '';
      start = nl + 1;
    }
    if (start < text.length && !skipping) {
      pending += text.slice(start);
      // Keep memory bounded: drop a line that outgrows the limit and report it at its end.
      if (pending.length > max) {
        pending = '';
        skipping = true;
      }
    }
  };
  // In pieces of at most SEGMENT bytes cut after a newline: strings that small live on the JS heap, while a string of a whole
  // megabyte is allocated outside it, which costs more than the copy itself.
  const feedAscii = (buf: Buffer) => {
    for (let start = 0; start < buf.length; ) {
      let end = Math.min(start + SEGMENT, buf.length);
      if (end < buf.length) {
        const nl = buf.lastIndexOf(10, end - 1);
        if (nl >= start) end = nl + 1;
      }
      feed(buf.toString('latin1', start, end), new Uint8Array(buf.buffer, buf.byteOffset + start, end - start));
      start = end;
    }
  };
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      bytes += Buffer.byteLength(chunk);
      feed(chunk);
    } else {
      bytes += chunk.byteLength;
      // Pure ASCII after a clean boundary reads as Latin-1 (a plain copy, several times cheaper than UTF-8 decoding).
      if (clean && isAscii(chunk)) feedAscii(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      else feed(decoder.decode(chunk, { stream: true }));
      // An ASCII last byte means the decoder holds no partial sequence across the boundary.
      clean = chunk.byteLength === 0 ? clean : (chunk[chunk.byteLength - 1] ?? 0) < 0x80;
    }
    options.onBytes?.(bytes);
  }
  feed(decoder.decode());
  if (pending !== '' || skipping) emit(pending, 0, pending.length);
  return lineNumber;
}
