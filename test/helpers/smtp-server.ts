import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted, with its subject and text decoded as a mail program would show them. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly subject: string;
  readonly text: string;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes long or non-ASCII subjects. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_all, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** A header of a raw message, unfolded and decoded; undefined when absent. */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const found = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(head)?.[1];
  return found === undefined ? undefined : decodeWords(found.replace(/\r?\n[ \t]+/g, ' ').trim());
}

/** The body of a raw single-part text message, decoded (quoted-printable or base64). */
function bodyText(raw: string): string {
  const at = raw.search(/\r?\n\r?\n/);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const encoding = mailHeader(raw, 'Content-Transfer-Encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  return body.replace(/\r\n/g, '\n');
}

/**
 * Tests only: a real SMTP server on 127.0.0.1 that keeps every message it accepts (no login). Without TLS,
 * or with `secure` TLS from the first byte (smtps://, smtp-server's own self-signed certificate).
 */
export async function smtpServer(options: { readonly secure?: boolean } = {}): Promise<{ url: string; received: ReceivedMail[]; connections: () => number; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    secure: options.secure === true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        // Quoted-printable soft line breaks joined in `raw`, so the text reads as sent.
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: raw.replace(/=\r?\n/g, ''), subject: mailHeader(raw, 'Subject') ?? '', text: bodyText(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `${options.secure === true ? 'smtps' : 'smtp'}://127.0.0.1:${port}`, received, connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
