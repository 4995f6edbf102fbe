import { describe, expect, it } from 'vitest';
import { findVoterData, type VoterDataKind } from './voter-data.ts';
import { voterDataProblems } from './index.ts';

// Every number, name and address below is invented for this corpus.
const positives: readonly (readonly [string, VoterDataKind])[] = [
  ['Caller gave her SSN as 219-09-9999 before hanging up', 'social-security-number'],
  ['ssn 219099999', 'social-security-number'],
  ['Social Security Number: 219 09 9999', 'social-security-number'],
  ['record shows 078-05-1120 in the export', 'social-security-number'],
  ['Jane Roe, last four of SSN 4821, called the office', 'ssn-last-four-with-name'],
  ['Voter: Martin Okafor; SSN ending in 3307', 'ssn-last-four-with-name'],
  ['Priya Delacroix xxx-xx-5521', 'ssn-last-four-with-name'],
  ['Marcus Whitfield ***-**-0912 was listed', 'ssn-last-four-with-name'],
  ['The leaked file lists driver license number D4829173 for each row', 'driver-license-number'],
  ["driver's license: 123456789", 'driver-license-number'],
  ['State ID # 5550-1234-77 was photographed', 'driver-license-number'],
  ['DL A123-456-78-901-0 found on the desk', 'driver-license-number'],
  ['Elena Marsh (DOB 03/14/1962) reported the call', 'date-of-birth-with-name'],
  ['Name: Tobias Grant, date of birth: 1958-07-02', 'date-of-birth-with-name'],
  ['Mr. Hollis, born on March 4, 1971, was contacted', 'date-of-birth-with-name'],
  ['Ada Quinlan born 4 July 1980', 'date-of-birth-with-name'],
  ['Voter ID 100293847 belongs to Nora Lindqvist', 'voter-registration-number-with-name'],
  ['Reuben Castellano, voter registration number: 55501234', 'voter-registration-number-with-name'],
  ['VUID 1029384756 - Lena Fairbanks', 'voter-registration-number-with-name'],
  ['Jane Roe, 12 Oak St\nJohn Doe, 48 Elm Avenue\nMary Poe, 7 Birch Rd', 'names-with-addresses'],
  ['Targets: Hannah Ortiz 1502 Maple Drive; Victor Chen 88 Lakeview Ct', 'names-with-addresses'],
  ['DOE, JANE 12 OAK ST / ROE, RICHARD 14 PINE AVE', 'names-with-addresses'],
];

const negatives: readonly string[] = [
  'Phishing emails targeted 14 county election offices between 2026-10-01 and 2026-10-05.',
  'Call the state election office at 555-123-4567 for help.',
  'Roughly 1,250 voters were affected; no personal data was exposed.',
  'The results website at 203.0.113.45 returned 502 errors for 45 minutes.',
  "Adversaries asked for voters' social security numbers in a fake survey; none were given.",
  'A rumour claims you need a driver license to vote; that is false in this state.',
  'Voter registration deadline is 2026-10-13; online registration closes at 11:59 pm.',
  'Indicator indicator--5e1d4cbb-4f1c-4b3a-9c1a-2f9d3a5b7c21 matched 3 times.',
  'The state ID is 06 and the county FIPS is 06037.',
  'CVE-2024-12345 affects e-pollbook firmware 4.2.1.',
  'Election Office, 123 Main Street, Springfield',
  'Jefferson County Clerk, 100 Court St',
  'Technique T1566.001 Spearphishing Attachment, seen 2026-10-28',
  'Born in 1962, the voting system vendor now serves 40 states.',
  'Registration number 4 of the 12 forms was missing a signature.',
  'SHA-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'ballots 120-45 were misprinted in batch 9000',
  'Windows 10 2004 build 19041 is affected',
  'A threat letter sent to the clerk on 2026-10-20 was referred to the FBI field office.',
];

describe('findVoterData: the corpus', () => {
  it.each(positives)('finds %j as %s', (text, kind) => {
    expect(findVoterData(text)).toBe(kind);
  });

  it.each(negatives.map((t) => [t]))('finds nothing in %j', (text) => {
    expect(findVoterData(text)).toBeNull();
  });

  it('reads a number beside a name held in a sibling field of the same record', () => {
    expect(findVoterData('dob: 1962-03-14')).toBeNull();
    expect(findVoterData('dob: 1962-03-14', { nameInRecord: true })).toBe('date-of-birth-with-name');
  });
});

describe('voterDataProblems: structured fields', () => {
  const incident = (extra: Record<string, unknown>) => ({ type: 'incident', spec_version: '2.1', id: 'incident--8d2c3b53-0b57-4a3c-8e38-0c8f3c0e1a11', name: 'Suspicious calls', ...extra });

  it('names the field and the kind, never the value', () => {
    const found = voterDataProblems(incident({ description: 'Caller read out 219-09-9999' }));
    expect(found).toEqual([expect.objectContaining({ at: ['description'], kind: 'social-security-number', code: 'voter-personal-data' })]);
    expect(found[0]?.message).toContain('description holds what looks like a social security number');
    expect(found[0]?.message).not.toContain('219');
  });

  it('reads a property name with its value', () => {
    expect(voterDataProblems(incident({ x_voter_ssn: '219099999' })).map((f) => f.kind)).toEqual(['social-security-number']);
    expect(voterDataProblems(incident({ x_ssn: 219099999 })).map((f) => f.at)).toEqual([['x_ssn']]);
  });

  it('joins a date of birth with a name in the same record', () => {
    const found = voterDataProblems(incident({ x_people: [{ first_name: 'Ivo', last_name: 'Brandt', date_of_birth: '1970-01-31' }] }));
    expect(found).toEqual([expect.objectContaining({ at: ['x_people', 0, 'date_of_birth'], kind: 'date-of-birth-with-name' })]);
  });

  it('finds a list of people with addresses as records or lines', () => {
    const records = voterDataProblems(incident({ x_list: [{ name: 'A B', address: '1 Oak St' }, { name: 'C D', address: '2 Elm St' }] }));
    expect(records).toEqual([expect.objectContaining({ at: ['x_list'], kind: 'names-with-addresses' })]);
    const lines = voterDataProblems(incident({ x_list: ['Jane Roe, 12 Oak St', 'John Doe, 48 Elm Avenue'] }));
    expect(lines).toEqual([expect.objectContaining({ at: ['x_list'], kind: 'names-with-addresses' })]);
  });

  it('finds nothing in counts and election words', () => {
    expect(voterDataProblems(incident({ description: '1,200 voters received the text; the clerk at 100 Court St reported it', x_voters_affected: 1200 }))).toEqual([]);
  });
});
