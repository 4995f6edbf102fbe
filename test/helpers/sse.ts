import { get, type IncomingMessage } from 'node:http';

/** Tests only: a Server-Sent Events client that keeps every frame it reads. */

export interface SseFrame {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
}

export interface SseStream {
  readonly status: number;
  readonly contentType: string | null;
  /** Every `event:` frame so far (comments and retry lines are not frames). */
  readonly frames: SseFrame[];
  /** The `data` of each `object` frame, parsed. */
  objects(): { id: string; change: string; tlp: string; name: string | null; owner_name: string | null }[];
  /** Waits until `check` holds for the frames read so far. */
  until(check: (frames: readonly SseFrame[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** The body of a refused request (problem+json), when status is not 200. */
  readonly body: string;
  /** True once the server ended the stream. */
  ended(): boolean;
  close(): Promise<void>;
}

function parseFrame(block: string): SseFrame | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { id, event, data: data.join('\n') };
}

/** Opens `url` with node:http (undici's fetch keeps an aborted stream's socket open, which holds the server's close). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const request = get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  const frames: SseFrame[] = [];
  let body = '';
  // How much the stream carried, comments and keep-alives included: a timeout says whether anything came at all.
  let received = 0;
  res.setEncoding('utf8');
  if (res.statusCode === 200) {
    let buffer = '';
    res.on('data', (chunk: string) => {
      received += chunk.length;
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (frame !== null) frames.push(frame);
      }
    });
  } else {
    for await (const chunk of res) body += String(chunk);
  }
  let done = false;
  res.once('end', () => {
    done = true;
  });
  const header = res.headers['content-type'];
  return {
    status: res.statusCode ?? 0,
    contentType: header ?? null,
    frames,
    body,
    ended: () => done,
    objects: () => frames.filter((f) => f.event === 'object').map((f) => JSON.parse(f.data) as ReturnType<SseStream['objects']>[number]),
    async until(check, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(frames)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; status ${res.statusCode ?? 0}, ${done ? 'ended by the server' : 'still open'}, ${received} bytes read; frames: ${JSON.stringify(frames)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close() {
      request.destroy();
      return Promise.resolve();
    },
  };
}
