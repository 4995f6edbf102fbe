import type { OrgId, UserId } from '../domain/ids.ts';

/**
 * The accounts tables (migration 0002) as Kysely sees them. Times compared in code are epoch milliseconds.
 * Id columns carry their branded types: this store writes only parsed ids, so rows read back hold them.
 */

export const USER_ROLES = ['viewer', 'analyst', 'org-admin', 'hub-admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export type UserRow = {
  id: UserId;
  org_id: OrgId;
  email: string;
  name: string;
  role: UserRole;
  password_hash: string | null;
  /** Confirmed TOTP secret (base32); null when the person has no second factor. */
  totp_secret: string | null;
  /** A secret shown at enrolment and not yet confirmed with a code. */
  totp_pending: string | null;
  /** The last TOTP time step accepted, so a code cannot be replayed. */
  totp_last_step: number | null;
  disabled_at: number | null;
  created_at: number;
};

export type SessionRow = {
  token_hash: string;
  user_id: UserId;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
};

export type ApiKeyRow = {
  id: string;
  user_id: UserId;
  name: string;
  secret_hash: string;
  scope: 'read' | 'write';
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
};

export type ThrottleRow = {
  subject: string;
  failures: number;
  window_start: number;
  locked_until: number | null;
};

export type EnrolmentCodeRow = {
  user_id: UserId;
  /** SHA-256 (hex) of the person's id and the normalized code; the code itself is shown once. */
  code_hash: string;
  /** The administrator who issued it; null for the operator's CLI. */
  issued_by: UserId | null;
  created_at: number;
  expires_at: number;
};

export type AccountTables = {
  organization: {
    id: string;
    kind: string;
    name: string;
    short_name: string | null;
    state_fips: string | null;
    county_fips: string | null;
    ocd_id: string | null;
    partner_type: string | null;
    seed: number;
    require_totp: number;
    created_at: string;
    updated_at: string;
  };
  account_user: UserRow;
  account_session: SessionRow;
  api_key: ApiKeyRow;
  login_throttle: ThrottleRow;
  totp_enrolment_code: EnrolmentCodeRow;
};
