/** US states, DC and territories by FIPS code: what the map and the forms name, as the hub names them (src/domain/organization-data.ts; states.test.ts). */
export interface Place {
  readonly fips: string;
  readonly abbr: string;
  readonly name: string;
  readonly territory: boolean;
}

const ROWS: readonly (readonly [string, string, string])[] = [
  ['01', 'AL', 'Alabama'], ['02', 'AK', 'Alaska'], ['04', 'AZ', 'Arizona'], ['05', 'AR', 'Arkansas'],
  ['06', 'CA', 'California'], ['08', 'CO', 'Colorado'], ['09', 'CT', 'Connecticut'], ['10', 'DE', 'Delaware'],
  ['11', 'DC', 'District of Columbia'], ['12', 'FL', 'Florida'], ['13', 'GA', 'Georgia'], ['15', 'HI', 'Hawaii'],
  ['16', 'ID', 'Idaho'], ['17', 'IL', 'Illinois'], ['18', 'IN', 'Indiana'], ['19', 'IA', 'Iowa'],
  ['20', 'KS', 'Kansas'], ['21', 'KY', 'Kentucky'], ['22', 'LA', 'Louisiana'], ['23', 'ME', 'Maine'],
  ['24', 'MD', 'Maryland'], ['25', 'MA', 'Massachusetts'], ['26', 'MI', 'Michigan'], ['27', 'MN', 'Minnesota'],
  ['28', 'MS', 'Mississippi'], ['29', 'MO', 'Missouri'], ['30', 'MT', 'Montana'], ['31', 'NE', 'Nebraska'],
  ['32', 'NV', 'Nevada'], ['33', 'NH', 'New Hampshire'], ['34', 'NJ', 'New Jersey'], ['35', 'NM', 'New Mexico'],
  ['36', 'NY', 'New York'], ['37', 'NC', 'North Carolina'], ['38', 'ND', 'North Dakota'], ['39', 'OH', 'Ohio'],
  ['40', 'OK', 'Oklahoma'], ['41', 'OR', 'Oregon'], ['42', 'PA', 'Pennsylvania'], ['44', 'RI', 'Rhode Island'],
  ['45', 'SC', 'South Carolina'], ['46', 'SD', 'South Dakota'], ['47', 'TN', 'Tennessee'], ['48', 'TX', 'Texas'],
  ['49', 'UT', 'Utah'], ['50', 'VT', 'Vermont'], ['51', 'VA', 'Virginia'], ['53', 'WA', 'Washington'],
  ['54', 'WV', 'West Virginia'], ['55', 'WI', 'Wisconsin'], ['56', 'WY', 'Wyoming'],
  ['60', 'AS', 'American Samoa'], ['66', 'GU', 'Guam'], ['69', 'MP', 'Commonwealth of the Northern Mariana Islands'],
  ['72', 'PR', 'Puerto Rico'], ['78', 'VI', 'United States Virgin Islands'],
];

const TERRITORY_FIPS = new Set(['60', '66', '69', '72', '78']);

export const PLACES: readonly Place[] = ROWS.map(([fips, abbr, name]) => ({ fips, abbr, name, territory: TERRITORY_FIPS.has(fips) }));

/** The states and territories as choices of a select (value: the FIPS code). */
export const PLACE_CHOICES: readonly { readonly value: string; readonly label: string }[] = PLACES.map((p) => ({ value: p.fips, label: p.name }));
export const TERRITORIES: readonly Place[] = PLACES.filter((p) => p.territory);

const BY_FIPS = new Map(PLACES.map((p) => [p.fips, p]));

export function placeByFips(fips: string): Place | undefined {
  return BY_FIPS.get(fips);
}

export function placeName(fips: string): string {
  return BY_FIPS.get(fips)?.name ?? `FIPS ${fips}`;
}

/** The state FIPS named by an audience key `state:<fips>` among the reader's keys, if any. */
export function stateOfKeys(keys: readonly string[]): string | null {
  for (const key of keys) {
    const m = /^state:(\d{2})$/.exec(key);
    if (m?.[1] !== undefined) return m[1];
  }
  return null;
}
