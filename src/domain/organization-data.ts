/**
 * The 50 states, DC and the 5 inhabited territories: FIPS code and name exactly as us-atlas
 * (states-10m.json, U.S. Census Bureau cartographic boundaries) gives them, plus the USPS code.
 * organization-data.test.ts checks this list against the us-atlas file, so a package update cannot drift from it.
 */
export interface StateRecord {
  readonly fips: string;
  readonly name: string;
  readonly postal: string;
  readonly kind: 'state' | 'territory';
}

const S = (fips: string, postal: string, name: string): StateRecord => ({ fips, postal, name, kind: 'state' });
const T = (fips: string, postal: string, name: string): StateRecord => ({ fips, postal, name, kind: 'territory' });

export const STATES: readonly StateRecord[] = [
  S('01', 'AL', 'Alabama'), S('02', 'AK', 'Alaska'), S('04', 'AZ', 'Arizona'), S('05', 'AR', 'Arkansas'),
  S('06', 'CA', 'California'), S('08', 'CO', 'Colorado'), S('09', 'CT', 'Connecticut'), S('10', 'DE', 'Delaware'),
  S('11', 'DC', 'District of Columbia'), S('12', 'FL', 'Florida'), S('13', 'GA', 'Georgia'), S('15', 'HI', 'Hawaii'),
  S('16', 'ID', 'Idaho'), S('17', 'IL', 'Illinois'), S('18', 'IN', 'Indiana'), S('19', 'IA', 'Iowa'),
  S('20', 'KS', 'Kansas'), S('21', 'KY', 'Kentucky'), S('22', 'LA', 'Louisiana'), S('23', 'ME', 'Maine'),
  S('24', 'MD', 'Maryland'), S('25', 'MA', 'Massachusetts'), S('26', 'MI', 'Michigan'), S('27', 'MN', 'Minnesota'),
  S('28', 'MS', 'Mississippi'), S('29', 'MO', 'Missouri'), S('30', 'MT', 'Montana'), S('31', 'NE', 'Nebraska'),
  S('32', 'NV', 'Nevada'), S('33', 'NH', 'New Hampshire'), S('34', 'NJ', 'New Jersey'), S('35', 'NM', 'New Mexico'),
  S('36', 'NY', 'New York'), S('37', 'NC', 'North Carolina'), S('38', 'ND', 'North Dakota'), S('39', 'OH', 'Ohio'),
  S('40', 'OK', 'Oklahoma'), S('41', 'OR', 'Oregon'), S('42', 'PA', 'Pennsylvania'), S('44', 'RI', 'Rhode Island'),
  S('45', 'SC', 'South Carolina'), S('46', 'SD', 'South Dakota'), S('47', 'TN', 'Tennessee'), S('48', 'TX', 'Texas'),
  S('49', 'UT', 'Utah'), S('50', 'VT', 'Vermont'), S('51', 'VA', 'Virginia'), S('53', 'WA', 'Washington'),
  S('54', 'WV', 'West Virginia'), S('55', 'WI', 'Wisconsin'), S('56', 'WY', 'Wyoming'),
  T('60', 'AS', 'American Samoa'), T('66', 'GU', 'Guam'), T('69', 'MP', 'Commonwealth of the Northern Mariana Islands'),
  T('72', 'PR', 'Puerto Rico'), T('78', 'VI', 'United States Virgin Islands'),
];

const BY_FIPS: ReadonlyMap<string, StateRecord> = new Map(STATES.map((s) => [s.fips, s]));

export function stateByFips(fips: string): StateRecord | undefined {
  return BY_FIPS.get(fips);
}

/** The federal agencies of the election-security community, seeded on first start. */
export interface AgencyRecord {
  readonly shortName: string;
  readonly name: string;
}

export const FEDERAL_AGENCIES: readonly AgencyRecord[] = [
  { shortName: 'CISA', name: 'Cybersecurity and Infrastructure Security Agency' },
  { shortName: 'FBI', name: 'Federal Bureau of Investigation' },
  { shortName: 'ODNI', name: 'Office of the Director of National Intelligence' },
  { shortName: 'NSA', name: 'National Security Agency' },
  { shortName: 'USCYBERCOM', name: 'U.S. Cyber Command' },
  { shortName: 'DoD', name: 'Department of Defense' },
  { shortName: 'DOJ', name: 'Department of Justice' },
  { shortName: 'DHS', name: 'Department of Homeland Security' },
  { shortName: 'EAC', name: 'U.S. Election Assistance Commission' },
  { shortName: 'NGB', name: 'National Guard Bureau' },
];
