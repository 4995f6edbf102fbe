import { findVoterData, holdsPersonName, namedAddresses, type VoterDataKind } from './voter-data.ts';

/** Where a finding sits in the object: property names and list indexes from its top. */
export type FieldPath = readonly (string | number)[];

export interface VoterDataFinding {
  readonly at: FieldPath;
  readonly kind: VoterDataKind;
}

/** Properties that hold identifiers, timestamps or hashes, never free text: not scanned. */
const NOT_TEXT = new Set(['id', 'type', 'spec_version', 'created', 'modified', 'valid_from', 'valid_until', 'first_seen', 'last_seen', 'first_observed', 'last_observed', 'hashes', 'extension_type']);
/** A property name that says what its value is; it is read with the value, as "ssn: 123456789" would be. */
const TELLING_KEY = /ssn|social|secur|dob|birth|licen[cs]e|(^|_)dl(_|$)|state_?id|id_card|voter|regist|vuid|last_?(4|four)/i;
/** Properties of a record that hold a person's name. */
const NAME_KEYS = /^(first_?name|last_?name|full_?name|given_?name|family_?name|middle_?name|surname|voter_?name|registrant(_?name)?|person(_?name)?)$/i;
const ADDRESS_KEYS = /^(address|home_?address|street(_?address)?|residence(_?address)?|addr|mailing_?address)$/i;

const MAX_FINDINGS = 20;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasNameField(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) {
    const value = record[key];
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (NAME_KEYS.test(key)) return true;
    // A STIX object's `name` is a title, so it counts only when it reads as a person's name.
    if (key === 'name' && holdsPersonName(value)) return true;
  }
  return false;
}

function isPersonAddressRecord(value: unknown): boolean {
  if (!isRecord(value)) return false;
  let name = false;
  let address = false;
  for (const key in value) {
    if (typeof value[key] !== 'string') continue;
    if (NAME_KEYS.test(key) || key === 'name') name = true;
    if (ADDRESS_KEYS.test(key)) address = true;
  }
  return name && address;
}

/**
 * Finds voter personal data anywhere in a parsed object: every string (and number) value, read with
 * the name of its property, and each record's sibling fields for a person's name. One finding per field.
 */
export function scanForVoterData(object: Readonly<Record<string, unknown>>): VoterDataFinding[] {
  const findings: VoterDataFinding[] = [];
  const at: (string | number)[] = [];

  const visitText = (text: string, key: string, parent: Readonly<Record<string, unknown>> | null) => {
    const labelled = key !== '' && TELLING_KEY.test(key) ? `${key.replace(/_/g, ' ')}: ${text}` : text;
    let kind = findVoterData(labelled);
    // The record's sibling fields are looked at only when a name is all that is missing.
    if (kind === null && parent !== null && holdsDigitsAndLabel(labelled) && hasNameField(parent)) kind = findVoterData(labelled, { nameInRecord: true });
    if (kind !== null) findings.push({ at: [...at], kind });
  };

  const visit = (value: unknown, key: string, parent: Readonly<Record<string, unknown>> | null) => {
    if (findings.length >= MAX_FINDINGS) return;
    if (typeof value === 'string') {
      visitText(value, key, parent);
    } else if (typeof value === 'number') {
      if (key !== '' && TELLING_KEY.test(key)) visitText(String(value), key, parent);
    } else if (Array.isArray(value)) {
      const before = findings.length;
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        visit(value[i], key, parent);
        at.pop();
      }
      if (findings.length === before && holdsNamedAddressList(value)) findings.push({ at: [...at], kind: 'names-with-addresses' });
    } else if (isRecord(value)) {
      for (const k in value) {
        if (NOT_TEXT.has(k) || k.endsWith('_ref') || k.endsWith('_refs')) continue;
        at.push(k);
        visit(value[k], k, value);
        at.pop();
      }
    }
  };

  visit(object, '', null);
  return findings;
}

/** Whether a sibling name could change the verdict: the text holds digits and one of the labels that need a name. */
function holdsDigitsAndLabel(text: string): boolean {
  return /\d/.test(text) && /ssn|social|x{2,3}|\*{2,3}|#{2,3}|birth|dob|d\.o\.b|born|voter|vuid|registra/i.test(text);
}

/** A list whose entries are people with addresses: records with a name and an address field, or lines of text. */
function holdsNamedAddressList(list: readonly unknown[]): boolean {
  let records = 0;
  const texts: string[] = [];
  for (const entry of list) {
    if (isPersonAddressRecord(entry)) records++;
    else if (typeof entry === 'string') texts.push(entry);
  }
  if (records >= 2) return true;
  return texts.length >= 2 && namedAddresses(texts.join('\n')) >= 2;
}
