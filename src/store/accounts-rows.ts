import { TypeCompiler } from '@sinclair/typebox/compiler';
import { OrganizationSchema, type Organization } from '../domain/organization.ts';
import type { AccountTables, UserRow } from './accounts-tables.ts';
import { USER_ROLES } from './accounts-tables.ts';

export type OrganizationRow = AccountTables['organization'];

// Compiled once: every request's organization lookup and the alert matcher's directory (3,000+ rows) check each row.
const organizationCheck = TypeCompiler.Compile(OrganizationSchema);

export function organizationOf(row: OrganizationRow): Organization {
  const candidate = {
    id: row.id,
    kind: row.kind,
    name: row.name,
    short_name: row.short_name,
    state_fips: row.state_fips,
    county_fips: row.county_fips,
    ocd_id: row.ocd_id,
    partner_type: row.partner_type,
    seed: Number(row.seed) === 1,
    require_totp: Number(row.require_totp) === 1,
    created_at: row.created_at,
  };
  // Rows are parsed like any input: a row the schema refuses means the database was edited by hand.
  if (!organizationCheck.Check(candidate)) throw new Error(`organization row ${row.id} does not match the schema`);
  return candidate as Organization;
}

export function userOf(row: UserRow): UserRow {
  if (!(USER_ROLES as readonly string[]).includes(row.role)) throw new Error(`user ${row.id} has unknown role ${row.role}`);
  return { ...row, role: row.role, created_at: Number(row.created_at), disabled_at: row.disabled_at === null ? null : Number(row.disabled_at), totp_last_step: row.totp_last_step === null ? null : Number(row.totp_last_step) };
}

