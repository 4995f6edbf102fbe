import type { Principal } from '../domain/principal.ts';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';

/** The signed-in person as `GET /api/v1/me` shows it. */
export interface SessionView {
  readonly user: { readonly id: UserId; readonly email: string; readonly name: string };
  readonly org: { readonly id: OrgId; readonly name: string; readonly state_fips: string | null };
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

export interface SignInRequest {
  readonly email: string;
  readonly password: string;
  readonly totp?: string;
}

export interface SignedIn {
  /** The opaque session secret that goes into the cookie. */
  readonly token: string;
  readonly expiresAt: Date;
}

/** The narrow part of the auth service (service.ts) that the adapters (http/, TAXII Basic auth) use. */
export interface AuthPort {
  signIn(request: SignInRequest, context: { readonly ip: string; readonly userAgent: string | null }): Promise<Result<SignedIn, Problem>>;
  /** The principal and person of a live session, or null when the token is unknown or expired. */
  session(token: string): Promise<{ readonly principal: Principal; readonly view: SessionView } | null>;
  signOut(token: string): Promise<void>;
  /** The principal of an API key secret, or null when it is unknown, revoked or expired. */
  apiKey(secret: string): Promise<Principal | null>;
  /** TAXII HTTP Basic: `username` is the key id or the key owner's email, `secret` the API key; null when they do not match. */
  apiKeyBasic(username: string, secret: string): Promise<Principal | null>;
}
