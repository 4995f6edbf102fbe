import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * What each setting of the schema says about itself besides its type: the environment variable it is read from,
 * the `rampart serve` flag that overrides it, what to write (for messages), whether to mask it when shown, and
 * whether `rampart config check` should expect it (settings of the `rampart taxii` client are not the server's).
 */
interface Meta {
  readonly env: string;
  readonly flag?: string;
  readonly expected: string;
  readonly secret?: boolean;
  readonly scope?: 'serve' | 'cli';
}

const setting = <S extends TSchema>(schema: S, meta: Meta): S => ({ ...schema, [META]: meta });
const META = Symbol.for('rampart.setting');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable and `rampart serve` flag Rampart reads, one schema: the configuration's type is derived
 * from it, `loadConfig` checks every value against it at start, and `rampart config check` prints it. The README's
 * configuration table lists the same variables (settings.test.ts keeps the two equal).
 */
export const ConfigSchema = Type.Object({
  databaseUrl: setting(Type.String({ minLength: 1, default: './data/rampart.sqlite', description: 'SQLite file path, :memory: or a postgres:// URL' }), {
    env: 'RAMPART_DATABASE_URL',
    flag: '--db',
    expected: 'a SQLite file path or a postgres://user:password@host/db URL',
    secret: true,
  }),
  hubIdentity: setting(Type.Optional(Type.String({ pattern: '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', description: "this hub's own STIX identity id, owner of last resort on import" })), {
    env: 'RAMPART_HUB_IDENTITY',
    expected: 'a STIX identity id such as identity--4f1f0d5e-8a7c-4c0e-9e7a-2d3b5c6a7b8c',
  }),
  databaseKeepConnections: setting(Type.Boolean({ default: true, description: 'PostgreSQL: rampart serve opens its 10 pooled connections before it listens and keeps them while idle' }), {
    env: 'RAMPART_DATABASE_KEEP_CONNECTIONS',
    expected: 'true or false',
    scope: 'serve',
  }),
  host: setting(Type.String({ minLength: 1, default: '127.0.0.1', description: 'address rampart serve listens on' }), { env: 'RAMPART_HOST', flag: '--host', expected: 'an address such as 127.0.0.1, 0.0.0.0 or ::', scope: 'serve' }),
  port: setting(Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port rampart serve listens on (0 picks a free one)' }), {
    env: 'RAMPART_PORT',
    flag: '--port',
    expected: 'a port number (0–65535)',
    scope: 'serve',
  }),
  tlsCert: setting(Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain) file for HTTPS' })), { env: 'RAMPART_TLS_CERT', flag: '--tls-cert', expected: 'the path of a PEM certificate file', scope: 'serve' }),
  tlsKey: setting(Type.Optional(Type.String({ minLength: 1, description: 'PEM private key file for HTTPS' })), { env: 'RAMPART_TLS_KEY', flag: '--tls-key', expected: 'the path of a PEM private key file', scope: 'serve' }),
  allowPlainHttp: setting(Type.Boolean({ default: false, description: 'serve plain HTTP on a non-loopback address (only behind a TLS proxy)' }), {
    env: 'RAMPART_ALLOW_PLAIN_HTTP',
    flag: '--allow-plain-http',
    expected: 'true or false',
    scope: 'serve',
  }),
  trustProxy: setting(Type.Union([Type.Boolean(), Type.String({ pattern: '^[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*$' })], { default: false, description: 'trust X-Forwarded-For/-Proto from a TLS proxy: true, false, or its addresses' }), {
    env: 'RAMPART_TRUST_PROXY',
    expected: 'true, false, or the proxy addresses (comma-separated IPs or CIDR ranges such as 10.0.0.0/8)',
    scope: 'serve',
  }),
  secretKey: setting(Type.Optional(Type.String({ pattern: '^\\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\\s*$', description: 'key that seals TOTP secrets at rest; when unset, the file secret.key beside the database (never in a folder every user may write)' })), {
    env: 'RAMPART_SECRET_KEY',
    expected: 'a 32-byte key: give 64 hex digits or 44 characters of base64 (openssl rand -hex 32)',
    secret: true,
    scope: 'serve',
  }),
  taxiiSecret: setting(Type.Optional(Type.String({ minLength: 16, description: 'key that binds TAXII next tokens to their reader' })), {
    env: 'RAMPART_TAXII_SECRET',
    expected: 'at least 16 characters (openssl rand -hex 32), the same on every server process',
    secret: true,
    scope: 'serve',
  }),
  natsUrl: setting(Type.Optional(Type.String({ pattern: '^(nats|tls|ws|wss)://[^,\\s]+(\\s*,\\s*(nats|tls|ws|wss)://[^,\\s]+)*$', description: 'NATS servers that carry live-feed changes between server processes' })), {
    env: 'RAMPART_NATS_URL',
    expected: 'nats://host:4222 (several comma-separated)',
    secret: true,
    scope: 'serve',
  }),
  natsSubject: setting(Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', description: 'NATS subject of the live-feed changes' })), {
    env: 'RAMPART_NATS_SUBJECT',
    expected: 'a NATS subject such as rampart.changes',
    scope: 'serve',
  }),
  matchUploadLimit: setting(Type.Integer({ minimum: 1, default: 1024 * 1024 * 1024, description: 'largest log, in bytes, POST /api/v1/match accepts' }), {
    env: 'RAMPART_MATCH_UPLOAD_LIMIT',
    expected: 'a number of bytes; give a whole number such as 2147483648 (2 GiB), or unset it for the default',
    scope: 'serve',
  }),
  smtpUrl: setting(Type.Optional(Type.String({ pattern: '^smtps?://\\S+$', description: 'mail server for alert emails; without it they are written to the log' })), {
    env: 'RAMPART_SMTP_URL',
    expected: 'an smtp:// or smtps:// URL such as smtp://user:password@mail.example.gov:587 (unset it to write email to the log)',
    secret: true,
    scope: 'serve',
  }),
  smtpFrom: setting(Type.String({ minLength: 3, default: 'Rampart <rampart@localhost>', description: 'sender of alert emails' }), {
    env: 'RAMPART_SMTP_FROM',
    expected: 'a sender such as Rampart <rampart@example.gov>',
    scope: 'serve',
  }),
  publicUrl: setting(Type.Optional(Type.String({ pattern: '^https?://[^/\\s]+\\S*$', description: 'the address people open Rampart at, for links in alert emails' })), {
    env: 'RAMPART_PUBLIC_URL',
    expected: 'the address people open Rampart at, such as https://rampart.example.gov',
    scope: 'serve',
  }),
  alertLeaseSeconds: setting(Type.Optional(Type.Integer({ minimum: 1, maximum: 999999, description: 'how long a server process holds an alert delivery before another may take it over' })), {
    env: 'RAMPART_ALERT_LEASE_SECONDS',
    expected: 'a whole number of seconds; give one such as 60, or unset it for the default',
    scope: 'serve',
  }),
  logLevel: setting(Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), { default: 'info', description: 'least severe log lines written' }), {
    env: 'RAMPART_LOG_LEVEL',
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    scope: 'serve',
  }),
  rateLimit: setting(Type.Integer({ minimum: 0, default: 1200, description: 'requests per minute each client (key, session or address) may make to /api and /taxii2; 0 turns the limit off' }), {
    env: 'RAMPART_RATE_LIMIT',
    expected: 'a whole number of requests per minute (0 for no limit)',
    scope: 'serve',
  }),
  signInRateLimit: setting(Type.Integer({ minimum: 0, default: 20, description: 'sign-in attempts per minute from one address; 0 turns the limit off' }), {
    env: 'RAMPART_SIGNIN_RATE_LIMIT',
    expected: 'a whole number of attempts per minute (0 for no limit)',
    scope: 'serve',
  }),
  transparencyCheckpointMinutes: setting(Type.Integer({ minimum: 0, maximum: 10080, default: 10, description: 'how often the hub signs a checkpoint of the transparency log when it grew; 0: only on demand' }), {
    env: 'RAMPART_TRANSPARENCY_CHECKPOINT_MINUTES',
    expected: 'a whole number of minutes (0: only when asked)',
    scope: 'serve',
  }),
  taxiiUser: setting(Type.Optional(Type.String({ minLength: 1, description: 'rampart taxii: HTTP Basic user' })), { env: 'RAMPART_TAXII_USER', expected: 'a user name', scope: 'cli' }),
  taxiiPassword: setting(Type.Optional(Type.String({ minLength: 1, description: 'rampart taxii: HTTP Basic password' })), { env: 'RAMPART_TAXII_PASSWORD', expected: 'a password', secret: true, scope: 'cli' }),
  taxiiApiKey: setting(Type.Optional(Type.String({ minLength: 1, description: 'rampart taxii: API key sent as Authorization: Bearer' })), { env: 'RAMPART_TAXII_API_KEY', expected: 'an API key', secret: true, scope: 'cli' }),
});

export type Config = Static<typeof ConfigSchema>;
export type ConfigKey = keyof Config;
export type LogLevel = Config['logLevel'];

/** One setting as the schema declares it. */
export interface SettingInfo {
  readonly key: ConfigKey;
  readonly env: string;
  readonly flag: string | undefined;
  readonly expected: string;
  readonly secret: boolean;
  readonly scope: 'serve' | 'cli' | 'all';
  readonly description: string;
  readonly default: unknown;
}

function metaOf(schema: TSchema): Meta {
  const meta = (schema as TSchema & { [META]?: Meta })[META];
  if (meta === undefined) throw new Error('a ConfigSchema property has no setting metadata');
  return meta;
}

/** Every setting, in the schema's order. */
export const SETTINGS: readonly SettingInfo[] = Object.entries(ConfigSchema.properties).map(([key, schema]: [string, TSchema]) => {
  const meta = metaOf(schema);
  return {
    key: key as ConfigKey,
    env: meta.env,
    flag: meta.flag,
    expected: meta.expected,
    secret: meta.secret === true,
    scope: meta.scope ?? 'all',
    description: String(schema['description'] ?? ''),
    default: schema['default'] as unknown,
  };
});

/** A value that does not fit its setting: where it came from (the variable or the flag) and what to write instead. */
export interface ConfigProblem {
  readonly code: 'invalid-setting';
  readonly setting: ConfigKey;
  /** The variable or flag the value came from, e.g. RAMPART_PORT or --port. */
  readonly source: string;
  readonly message: string;
}

/** Flag values of `rampart serve`, by setting, as commander hands them over (strings, or true for a bare switch). */
export type ConfigFlags = Partial<Readonly<Record<ConfigKey, string | boolean>>>;

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { true: true, yes: true, on: true, '1': true, false: false, no: false, off: false, '0': false };

/** A raw string (or a bare switch) as the value the setting's schema expects, before the check. */
function convert(schema: TSchema, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  const text = raw.trim();
  const kinds = Array.isArray(schema['anyOf']) ? (schema['anyOf'] as TSchema[]) : [schema];
  if (kinds.some((k) => k['type'] === 'boolean') && text.toLowerCase() in BOOLEAN_WORDS) return BOOLEAN_WORDS[text.toLowerCase()];
  if (kinds.some((k) => k['type'] === 'integer')) return /^\d+$/.test(text) ? Number(text) : raw;
  return text;
}

/**
 * The configuration from the environment and `rampart serve`'s flags (a flag wins over its variable): each
 * value checked against its setting's schema, defaults filled in. Every value that does not fit is reported,
 * not only the first; an empty variable counts as unset.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, flags: ConfigFlags = {}): Result<Config, readonly ConfigProblem[]> {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const s of SETTINGS) {
    const schema = ConfigSchema.properties[s.key] as TSchema;
    const flag = flags[s.key];
    const raw = flag ?? env[s.env];
    if (raw === undefined || (typeof raw === 'string' && raw.trim() === '' && flag === undefined)) {
      if (s.default !== undefined) values[s.key] = s.default;
      continue;
    }
    const value = convert(schema, raw);
    if (!Value.Check(schema, value)) {
      const source = flag !== undefined && s.flag !== undefined ? s.flag : s.env;
      const shown = s.secret ? 'the value given' : `"${String(raw)}"`;
      problems.push({ code: 'invalid-setting', setting: s.key, source, message: `${source}: ${shown} is not ${s.expected}` });
      continue;
    }
    values[s.key] = value;
  }
  if (problems.length > 0) return err(problems);
  if (!Value.Check(ConfigSchema, values)) throw new Error('loadConfig built a configuration its own schema refuses');
  return ok(values);
}

/** A value as `rampart config check` shows it: secrets masked (a database URL keeps all but its password). */
export function shownValue(s: SettingInfo, value: unknown): string {
  if (value === undefined) return '(unset)';
  if (s.key === 'databaseUrl' && typeof value === 'string') return value.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:…@');
  if (s.secret) return '(set, hidden)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
