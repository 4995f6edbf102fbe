import net from 'node:net';
import nodemailer from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { TLP_LEVELS, tlpLabel, type Tlp } from '../domain/tlp.ts';
import { err, ok, type Result } from '../domain/result.ts';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The stable delivery id: receivers (and people's mail programs) can drop a repeat. */
  readonly deliveryId: string;
}

/** Sends mail: SMTP when RAMPART_SMTP_URL is set, the log otherwise. */
export interface Mailer {
  readonly kind: 'smtp' | 'log';
  send(message: MailMessage): Promise<Result<void, string>>;
  close(): void;
}

export interface MailLog {
  info(fields: Record<string, unknown>, message: string): void;
}

/** Without SMTP: each message is written to the log (who, subject, text), so nothing is lost silently. */
export function logMailer(log: MailLog): Mailer {
  return {
    kind: 'log',
    send(message) {
      log.info({ mail: { to: message.to, subject: message.subject, delivery: message.deliveryId, text: message.text } }, 'email (no SMTP configured; set RAMPART_SMTP_URL to send it)');
      return Promise.resolve(ok(undefined));
    },
    close: () => undefined,
  };
}

/** The pool asked for when the operator's address says nothing: connections kept open, and messages through each before it is renewed. */
export const SMTP_POOL_DEFAULTS = { maxConnections: 8, maxMessages: 100 } as const;

/**
 * The SMTP address with nodemailer's pool asked for in its query (a few kept-open connections: a
 * digest for thousands of people is thousands of messages). nodemailer reads only the address when
 * given one, and ignores options beside it, so they go into it; what the operator's address sets
 * (`?maxConnections=16&maxMessages=500`) stays.
 */
export function pooledSmtpUrl(url: string): string {
  const address = new URL(url);
  for (const [name, value] of Object.entries({ pool: 'true', maxConnections: String(SMTP_POOL_DEFAULTS.maxConnections), maxMessages: String(SMTP_POOL_DEFAULTS.maxMessages) })) if (!address.searchParams.has(name)) address.searchParams.set(name, value);
  return address.toString();
}

/**
 * Opens the pool's TCP connections with Nagle's algorithm off. nodemailer leaves it on, and a message's
 * last small write (the closing dot) then waits for the server's delayed acknowledgement of the one
 * before: about 40 ms a message on Linux, so 8 connections carried some 170 messages a second with the
 * CPU mostly idle (docs/benchmarks.md, bench:fanout digest). TLS (smtps://, STARTTLS) runs over this socket.
 */
function connectWithoutDelay(options: SMTPPool.Options, callback: (err: Error | null, socketOptions?: { connection: net.Socket }) => void): void {
  const port = Number(options.port) || (options.secure === true ? 465 : 587);
  const socket = net.connect({ host: options.host ?? 'localhost', port });
  socket.setNoDelay(true);
  const failed = (error: Error) => callback(error);
  socket.once('error', failed);
  socket.setTimeout(options.connectionTimeout ?? 120_000, () => socket.destroy(Object.assign(new Error(`no connection to ${options.host ?? 'localhost'}:${port} within ${options.connectionTimeout ?? 120_000} ms`), { code: 'ETIMEDOUT' })));
  socket.once('connect', () => {
    socket.off('error', failed);
    socket.setTimeout(0);
    callback(null, { connection: socket });
  });
}

/** The nodemailer transport of an SMTP address: pooled (`pooledSmtpUrl`), with Nagle's algorithm off. */
export function smtpTransport(url: string): nodemailer.Transporter {
  return nodemailer.createTransport(new SMTPPool({ pool: true, url: pooledSmtpUrl(url), getSocket: connectWithoutDelay }));
}

/** SMTP through nodemailer; `url` is smtp://user:pass@host:port or smtps://… (RAMPART_SMTP_URL). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = smtpTransport(url);
  return {
    kind: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: `<${message.deliveryId}@rampart>`,
          headers: { 'X-Rampart-Delivery': message.deliveryId },
        });
        return ok(undefined);
      } catch (error) {
        return err(`the mail server refused the message: ${(error as Error).message}`);
      }
    },
    close: () => transport.close(),
  };
}

/** Items marked AMBER+STRICT or RED are announced without their content: people sign in to read them. */
export const announcedOnly = (tlp: Tlp): boolean => tlp === 'amber+strict' || tlp === 'red';

/** What an email says about one item, read under the recipient's reader. */
export interface MailItem {
  readonly id: string;
  readonly type: string;
  readonly tlp: Tlp;
  readonly name: string | null;
  readonly description: string | null;
  readonly reasons: readonly string[];
  readonly urgent: boolean;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  incident: 'Incident',
  indicator: 'Indicator',
  report: 'Report',
  note: 'Note',
  sighting: 'Sighting',
  'x-rampart-status-report': 'Election-day status',
  'threat-actor': 'Threat actor',
  campaign: 'Campaign',
  'intrusion-set': 'Intrusion set',
  malware: 'Malware',
  'attack-pattern': 'Technique',
};
const typeWord = (type: string) => TYPE_WORDS[type] ?? type;

const signIn = (baseUrl: string | null) => (baseUrl === null ? 'Sign in to Rampart to read it.' : `Sign in to read it: ${baseUrl}/notifications`);

/** The email of one alert sent at once. */
export function immediateMail(to: string, deliveryId: string, item: MailItem, baseUrl: string | null): MailMessage {
  const label = tlpLabel(item.tlp);
  const urgent = item.urgent ? 'URGENT: ' : '';
  if (announcedOnly(item.tlp)) {
    return {
      to,
      deliveryId,
      subject: `[${label}] ${urgent}Something was shared with you in Rampart`,
      text: `A ${label} item was shared with you in Rampart. Its content stays in Rampart.\n\n${signIn(baseUrl)}\n\nYou are told because of: ${item.reasons.join('; ')}.\n`,
    };
  }
  const title = item.name ?? typeWord(item.type);
  const lines = [`${typeWord(item.type)}: ${title}`, `Marking: ${label}`, ''];
  if (item.description !== null && item.description !== '') lines.push(item.description, '');
  if (baseUrl !== null) lines.push(`Open it: ${baseUrl}/intel/${encodeURIComponent(item.id)}`, '');
  lines.push(`You are told because of: ${item.reasons.join('; ')}.`, `Handle it according to ${label}.`);
  return { to, deliveryId, subject: `[${label}] ${urgent}${typeWord(item.type)}: ${title}`, text: `${lines.join('\n')}\n` };
}

/**
 * The daily digest: every item in a line; AMBER+STRICT and RED items counted, not described. The subject
 * carries the strictest TLP. Support requests' events (a person who chose the digest) follow, by title
 * and status only, as in their own emails.
 */
export function digestMail(to: string, deliveryId: string, items: readonly MailItem[], baseUrl: string | null, support: readonly SupportMailItem[] = []): MailMessage {
  const strictest = items.reduce<Tlp>((acc, i) => (TLP_LEVELS.indexOf(i.tlp) > TLP_LEVELS.indexOf(acc) ? i.tlp : acc), 'clear');
  const count = items.length + support.length;
  const lines = [`Shared with you in Rampart since the last digest: ${count} item${count === 1 ? '' : 's'}.`, ''];
  const hidden = items.filter((i) => announcedOnly(i.tlp));
  for (const item of items) {
    if (announcedOnly(item.tlp)) continue;
    lines.push(`- [${tlpLabel(item.tlp)}] ${typeWord(item.type)}: ${item.name ?? '(no name)'}${baseUrl === null ? '' : `  ${baseUrl}/intel/${encodeURIComponent(item.id)}`}`);
  }
  if (hidden.length > 0) lines.push('', `${hidden.length} item${hidden.length === 1 ? ' is' : 's are'} marked TLP:AMBER+STRICT or TLP:RED and ${hidden.length === 1 ? 'is' : 'are'} not described here. ${signIn(baseUrl)}`);
  if (support.length > 0) {
    lines.push('', 'Support requests:');
    for (const s of support) lines.push(`- ${s.message ? 'New message on' : `${supportHappened(s.status)}:`} ${s.title} (${s.service})${supportLink(s.id, baseUrl)}`);
  }
  if (items.length > 0) lines.push('', 'Handle each item according to its marking.');
  // Support requests carry no TLP: a digest of them alone says so in its subject rather than claim TLP:CLEAR.
  const tag = items.length > 0 ? tlpLabel(strictest) : 'Rampart';
  return { to, deliveryId, subject: `[${tag}] Rampart daily digest: ${count} item${count === 1 ? '' : 's'}`, text: `${lines.join('\n')}\n` };
}

/** What an email says of a support request: its title, the service and where it stands (no details: people sign in to read them). */
export interface SupportMailItem {
  readonly id: string;
  readonly title: string;
  readonly service: string;
  readonly status: string;
  /** The event is a new message (its text stays in Rampart), not a change of status. */
  readonly message: boolean;
  readonly reasons: readonly string[];
  readonly urgent: boolean;
}

/** A request's status in an email's words, the same as the web page's ("withdrawn", not "cancelled"). */
const SUPPORT_STATUS_WORDS: Readonly<Record<string, string>> = {
  requested: 'waiting for an answer',
  accepted: 'accepted',
  declined: 'declined',
  scheduled: 'scheduled',
  completed: 'completed',
  cancelled: 'withdrawn',
};
const supportStatusWords = (status: string) => SUPPORT_STATUS_WORDS[status] ?? status;

/** What a subject says happened: "New support request", or "Support request accepted" (never "Support request requested"). */
const supportHappened = (status: string) => (status === 'requested' ? 'New support request' : `Support request ${supportStatusWords(status)}`);

const supportLink = (id: string, baseUrl: string | null) => (baseUrl === null ? '' : `  ${baseUrl}/support/${encodeURIComponent(id)}`);

/** The email of a support request's event (a new request, a change of status, a new message). */
export function supportMail(to: string, deliveryId: string, item: SupportMailItem, baseUrl: string | null): MailMessage {
  const urgent = item.urgent ? 'URGENT: ' : '';
  const lines = [`Support request: ${item.title}`, `Service: ${item.service}`, `Status: ${supportStatusWords(item.status)}`, ''];
  if (item.message) lines.push('A new message was written on it.', '');
  lines.push(baseUrl === null ? 'Sign in to Rampart to read and answer it.' : `Open it: ${baseUrl}/support/${encodeURIComponent(item.id)}`, '');
  lines.push(`You are told because of: ${item.reasons.join('; ')}.`);
  const subject = item.message ? `[Rampart] ${urgent}New message on support request: ${item.title}` : `[Rampart] ${urgent}${supportHappened(item.status)}: ${item.title}`;
  return { to, deliveryId, subject, text: `${lines.join('\n')}\n` };
}
