import { err, ok, type Result } from '../domain/result.ts';
import type { TaxiiAuth } from '../taxii/client/transport.ts';
import type { FederationError } from './pull.ts';

/** A feed stores where its secret is, never the secret: `none`, or `env:<VAR>` naming an environment variable. */
export const CREDENTIAL_REF = /^(none|env:[A-Z_][A-Z0-9_]{0,127})$/;

export type CredentialResolver = (ref: string) => Result<TaxiiAuth, FederationError>;

/** The two forms a feed's secret may take, as told to whoever set it wrong. */
export const SECRET_FORMS = 'bearer:<api key> or basic:<user>:<password>';

/**
 * Reads a feed secret's value: `basic:<user>:<password>` for HTTP Basic, `bearer:<key>` for
 * `Authorization: Bearer`. Anything else is refused (null) rather than sent as a key: a value missing its
 * form would come back from the remote as a 401 that names nothing the operator can fix.
 */
export function parseSecret(value: string): TaxiiAuth | null {
  if (value.startsWith('basic:')) {
    const rest = value.slice('basic:'.length);
    const colon = rest.indexOf(':');
    return colon <= 0 ? null : { kind: 'basic', user: rest.slice(0, colon), password: rest.slice(colon + 1) };
  }
  if (value.startsWith('bearer:')) {
    const token = value.slice('bearer:'.length);
    return token === '' ? null : { kind: 'bearer', token };
  }
  return null;
}

/** Resolves env:<VAR> references from `env` (default process.env); the message names the variable, never its value. */
export function envCredentials(env: Readonly<Record<string, string | undefined>> = process.env): CredentialResolver {
  return (ref) => {
    if (!CREDENTIAL_REF.test(ref)) return err({ code: 'invalid-credential-ref', message: `credential reference "${ref}" must be none or env:<VARIABLE>` });
    if (ref === 'none') return ok({ kind: 'none' });
    const name = ref.slice('env:'.length);
    const value = env[name];
    if (value === undefined || value === '') {
      return err({ code: 'credential-missing', message: `the environment variable ${name} named by this feed is not set on the server; set it to ${SECRET_FORMS}` });
    }
    const auth = parseSecret(value);
    if (auth === null) {
      return err({ code: 'credential-malformed', message: `the environment variable ${name} named by this feed holds neither form a feed secret takes; set it to ${SECRET_FORMS}` });
    }
    return ok(auth);
  };
}
