import { err, ok, type Result } from '../domain/result.ts';
import type { TaxiiAuth } from '../taxii/client/transport.ts';
import type { FederationError } from './pull.ts';

/** A feed stores where its secret is, never the secret: `none`, or `env:<VAR>` naming an environment variable. */
export const CREDENTIAL_REF = /^(none|env:[A-Z_][A-Z0-9_]{0,127})$/;

export type CredentialResolver = (ref: string) => Result<TaxiiAuth, FederationError>;

/**
 * Reads a secret's value: `basic:<user>:<password>` for HTTP Basic, `bearer:<key>` or a bare key for
 * `Authorization: Bearer`. Shared by feeds (env:<VAR>) and the CLI (--user/--password, --api-key, env).
 */
export function parseSecret(value: string): TaxiiAuth {
  if (value.startsWith('basic:')) {
    const rest = value.slice('basic:'.length);
    const colon = rest.indexOf(':');
    return colon < 0 ? { kind: 'basic', user: rest, password: '' } : { kind: 'basic', user: rest.slice(0, colon), password: rest.slice(colon + 1) };
  }
  return { kind: 'bearer', token: value.startsWith('bearer:') ? value.slice('bearer:'.length) : value };
}

export function envCredentials(env: Readonly<Record<string, string | undefined>> = process.env): CredentialResolver {
  return (ref) => {
    if (!CREDENTIAL_REF.test(ref)) return err({ code: 'invalid-credential-ref', message: `credential reference "${ref}" must be none or env:<VARIABLE>` });
    if (ref === 'none') return ok({ kind: 'none' });
    const name = ref.slice('env:'.length);
    const value = env[name];
    if (value === undefined || value === '') {
      return err({ code: 'credential-missing', message: `the environment variable ${name} named by this feed is not set on the server; set it to basic:<user>:<password> or bearer:<api key>` });
    }
    return ok(parseSecret(value));
  };
}
