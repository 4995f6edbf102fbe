/**
 * Voter personal data in free text: the kinds Rampart refuses to store. Voters appear in Rampart only
 * as counts, so a text that holds one of these is refused before anything is written.
 *
 * Every detector needs digits (a number, a date, a house number), so text without a digit is skipped
 * at once; the rest passes a cheap trigger before the detectors run. Pure functions, no I/O.
 */

export const VOTER_DATA_KINDS = [
  'social-security-number',
  'ssn-last-four-with-name',
  'driver-license-number',
  'date-of-birth-with-name',
  'voter-registration-number-with-name',
  'names-with-addresses',
] as const;
export type VoterDataKind = (typeof VOTER_DATA_KINDS)[number];

/** How each kind is named to the person who sent it (never the value itself). */
export const VOTER_DATA_WORDS: Readonly<Record<VoterDataKind, string>> = {
  'social-security-number': 'a social security number',
  'ssn-last-four-with-name': 'the last four digits of a social security number next to a name',
  'driver-license-number': "a driver's licence or state ID number",
  'date-of-birth-with-name': 'a date of birth next to a name',
  'voter-registration-number-with-name': 'a voter registration number next to a name',
  'names-with-addresses': 'a list of names with home addresses',
};

/** What is known about the text's surroundings: a person's name in a sibling field of the same record. */
export interface TextContext {
  readonly nameInRecord?: boolean;
}

const DIGIT = /\d/;
/** A cheap first pass: the words every labelled detector below starts from. */
const KEYWORDS = /ssn|ss#|social|licen[cs]|\bdl\b|d\.l\.|\bid\b|identification|birth|\bdob\b|d\.o\.b|\bborn\b|voter|vuid|registra|last\s*(?:four|4)|[x*#]{3}[- ]?[x*#]{2}[- ]?\d/i;

// Social security numbers: area 001-899 except 666, group 01-99, serial 0001-9999 (SSA rules).
const SSN_DASHED = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/;
const SSN_WORD = String.raw`(?:\bssn|ss#|s\.s\.n\.?|soc(?:ial)?\.?\s*sec(?:urity)?\.?(?:\s*(?:number|no\.?|num|#))?)`;
const SSN_LABELLED = new RegExp(String.raw`${SSN_WORD}\s*(?:is|was|:|=|#|-)?\s*(?!000|666|9\d\d)\d{3}[- .]?(?!00)\d{2}[- .]?(?!0000)\d{4}(?!\d)`, 'i');
const SSN_LAST_FOUR = [
  new RegExp(String.raw`last\s*(?:four|4)(?:\s*digits)?\s*(?:of\s*(?:the\s*|his\s*|her\s*|their\s*|a\s*|voter'?s?\s*)?)?${SSN_WORD}\s*(?:is|was|:|=|#|-)?\s*\d{4}(?!\d)`, 'i'),
  new RegExp(String.raw`${SSN_WORD}\s*(?:ending|ends)?\s*(?:in|with)?\s*(?:last\s*(?:four|4)|4)?\s*(?:digits)?\s*(?:is|was|:|=|#|-)?\s*\d{4}(?!\d)`, 'i'),
  /(?<![A-Za-z0-9])(?:xxx|\*\*\*|###)[- ]?(?:xx|\*\*|##)[- ]?\d{4}(?!\d)/i,
];

const LICENSE_WORD = String.raw`(?:driver'?s?\s*licen[cs]e|driving\s*licen[cs]e|\bdl\b|\bd\.l\.|state\s*(?:id|identification)(?:\s*card)?|(?:id|identification)\s*card|non-?driver\s*id)`;
const LICENSE = new RegExp(String.raw`${LICENSE_WORD}\s*(?:number|no\.?|num|#)?\s*(?:is|was|:|=|-)?\s*([A-Z]{0,3}[- ]?\d(?:[\d -]{3,18}\d)?)(?![\dA-Za-z])`, 'gi');

const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`;
const DATE = String.raw`(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH},?\s+\d{4})`;
const BIRTH = new RegExp(String.raw`(?:\bdob\b|\bd\.o\.b\.?|date\s*of\s*birth|birth\s*date|birthdate|birthday|\bborn(?:\s*on)?)\s*(?:is|was|:|=|-|,)?\s*${DATE}`, 'gi');

const VOTER_NUMBER = new RegExp(
  String.raw`(?:voter\s*(?:registration\s*)?(?:id|identification|number|no\.?|num|#)|voter\s*reg(?:istration)?\.?\s*(?:id|number|no\.?|num|#)?|registration\s*(?:number|no\.?|num|#)|\bvuid|voter\s*file\s*(?:id|number))\s*(?:is|was|:|=|-)?\s*[A-Z]{0,3}\d{5,12}(?!\d)`,
  'gi',
);

const SUFFIXES = ['St', 'Street', 'Ave', 'Avenue', 'Rd', 'Road', 'Blvd', 'Boulevard', 'Ln', 'Lane', 'Dr', 'Drive', 'Ct', 'Court', 'Way', 'Pl', 'Place', 'Ter', 'Terrace', 'Cir', 'Circle', 'Pkwy', 'Parkway', 'Hwy', 'Highway', 'Trl', 'Trail'];
// Voter files are often in capitals: "12 OAK ST" as well as "12 Oak St".
const STREET_SUFFIX = `(?:${[...SUFFIXES, ...SUFFIXES.map((s) => s.toUpperCase())].join('|')})`;
const STREET = new RegExp(String.raw`\b${STREET_SUFFIX}\b`);
const ADDRESS = new RegExp(String.raw`(?<![\d.])\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][A-Za-z0-9'.-]*\s+){1,3}${STREET_SUFFIX}\b\.?`, 'g');

/** Words that start with a capital but are not part of a person's name in election and security text. */
const NOT_NAMES = new Set(
  (
    'the a an this that these those it its in on at of for by and or to from with as is was be are were not no our your their his her we you they i ' +
    'state states county counties city town township village borough parish office offices board department dept election elections secretary clerk commission ' +
    'division bureau agency federal national united america american guard center centre security cyber cybersecurity infrastructure information intelligence ' +
    'analysis voter voters voting vote votes registration registrations ballot ballots poll polls polling precinct precincts street st avenue ave road rd boulevard ' +
    'lane drive dr court way place suite box po apt unit january february march april may june july august september october november december jan feb mar apr ' +
    'jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday north south east west new general primary day date birth number ' +
    'license licence driver drivers id identification social ssn dob name names address addresses phone email mail tlp amber green red clear white strict ' +
    'incident incidents report reports indicator indicators note notes windows linux microsoft google apple android ios mitre att ck disarm ics mobile ' +
    'last first full middle card record records list file files data count total status case cases team teams group unit service services system systems ' +
    'technique techniques tactic tactics campaign actor actors malware tool tools server servers network networks user users account accounts admin ' +
    'alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois indiana iowa kansas kentucky louisiana ' +
    'maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york carolina dakota ohio oklahoma ' +
    'oregon pennsylvania rhode island tennessee texas utah vermont virginia washington wisconsin wyoming district columbia puerto rico guam samoa islands ' +
    'mr mrs ms miss dr jr sr ii iii iv'
  ).split(' '),
);

const NAME_TOKEN = String.raw`[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?`;
const NAME_PAIR = new RegExp(String.raw`\b(${NAME_TOKEN})\s+(?:[A-Z]\.?\s+)?(${NAME_TOKEN})\b`, 'g');
const NAME_UPPER_PAIR = /\b([A-Z]{2,}(?:['-][A-Z]+)?),?\s+([A-Z]{2,}(?:['-][A-Z]+)?)\b/g;
const NAME_COMMA = new RegExp(String.raw`\b(${NAME_TOKEN}),\s+(${NAME_TOKEN})\b`, 'g');
const NAME_LABEL = /\b(?:name|voter|registrant|first|last|surname|given)\s*(?:name)?\s*[:=]\s*["']?[A-Za-z]/i;
const HONORIFIC = /\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][a-z]+/;
/** How far from a number or date a name may stand and still be "next to" it. */
const NEAR = 100;

function isNameWord(word: string): boolean {
  return !NOT_NAMES.has(word.toLowerCase());
}

/** True when the text holds something shaped like a person's name (two capitalized words that are not common election words). */
export function holdsPersonName(text: string): boolean {
  if (NAME_LABEL.test(text) || HONORIFIC.test(text)) return true;
  for (const pattern of [NAME_PAIR, NAME_COMMA, NAME_UPPER_PAIR]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const [, a = '', b = ''] = m;
      if (isNameWord(a) && isNameWord(b)) return true;
      // Overlapping pairs: "County Jane Doe" must still find "Jane Doe".
      pattern.lastIndex = m.index + a.length + 1;
    }
  }
  return false;
}

function nameNear(text: string, start: number, end: number, context: TextContext): boolean {
  if (context.nameInRecord === true) return true;
  return holdsPersonName(text.slice(Math.max(0, start - NEAR), Math.min(text.length, end + NEAR)));
}

function firstNear(pattern: RegExp, text: string, context: TextContext): boolean {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (nameNear(text, m.index, m.index + m[0].length, context)) return true;
    if (!pattern.global) return false;
  }
  return false;
}

function digitsIn(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function holdsLicense(text: string): boolean {
  LICENSE.lastIndex = 0;
  for (let m = LICENSE.exec(text); m !== null; m = LICENSE.exec(text)) {
    const token = m[1] ?? '';
    const digits = digitsIn(token);
    // Licence numbers run 6-13 digits, or a letter and at least five; fewer is a count or a code, not an id.
    if (digits >= 6 || (digits >= 5 && /^[A-Z]/i.test(token))) return true;
  }
  return false;
}

/** Person-and-address records in the text: a name within a short reach before each street address. */
export function namedAddresses(text: string): number {
  ADDRESS.lastIndex = 0;
  let count = 0;
  let previousEnd = 0;
  for (let m = ADDRESS.exec(text); m !== null; m = ADDRESS.exec(text)) {
    const before = text.slice(Math.max(previousEnd, m.index - 60), m.index);
    if (holdsPersonName(before)) count++;
    previousEnd = m.index + m[0].length;
  }
  return count;
}

/** The first kind of voter personal data found in `text`, or null. */
export function findVoterData(text: string, context: TextContext = {}): VoterDataKind | null {
  if (!DIGIT.test(text)) return null;
  if (SSN_DASHED.test(text)) return 'social-security-number';
  if (KEYWORDS.test(text)) {
    if (SSN_LABELLED.test(text)) return 'social-security-number';
    if (holdsLicense(text)) return 'driver-license-number';
    for (const pattern of SSN_LAST_FOUR) if (firstNear(pattern, text, context)) return 'ssn-last-four-with-name';
    if (firstNear(BIRTH, text, context)) return 'date-of-birth-with-name';
    if (firstNear(VOTER_NUMBER, text, context)) return 'voter-registration-number-with-name';
  }
  if (STREET.test(text) && namedAddresses(text) >= 2) return 'names-with-addresses';
  return null;
}
