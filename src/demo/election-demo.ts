import type { AudienceKey } from '../domain/audience.ts';
import { ELECTION_FUNCTIONS, type ElectionFunction, type StatusLevel } from '../domain/election.ts';
import type { OrgId } from '../domain/ids.ts';
import { STATES } from '../domain/organization-data.ts';
import { TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import { ELECTION_TYPE, RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';

/** A jurisdiction of the demo election: a state office or a county office the hub knows. */
export interface DemoJurisdiction {
  readonly id: OrgId;
  readonly name: string;
  readonly stateFips: string;
  readonly countyFips: string | null;
}

export interface ElectionDemoInput {
  /** Now, when the demo is first seeded: the election is under way around it. */
  readonly now: Date;
  readonly hubOwner: OrgId;
  /** The demo's own fictional local office (the Village of Demoville), in Wisconsin. */
  readonly county: DemoJurisdiction;
  readonly wisconsin: DemoJurisdiction;
  readonly illinois: DemoJurisdiction;
  /** The federal partner Illinois shares its own status with. */
  readonly federal: OrgId;
  /** Wisconsin's and Illinois' county offices (from the packaged Census counties). */
  readonly counties: readonly DemoJurisdiction[];
}

export interface DemoObject {
  readonly object: Record<string, unknown>;
  readonly owner: OrgId;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
}

const HOUR = 3_600_000;
const id = (type: string, name: string) => `${type}--${uuidV5(`demo:${type}:${name}`, RAMPART_NAMESPACE)}`;
const newSdo = { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } };

/** The demo election's id for the UTC day it is seeded: seeding again that day finds it and adds nothing. */
export function demoElectionId(now: Date): string {
  return id(ELECTION_TYPE, `general-${now.toISOString().slice(0, 10)}`);
}

/** When the demo election's election day began: seven whole hours before `now`. */
export function demoElectionDayStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR - 7 * HOUR);
}

type Trouble = readonly [note: string, contingencies: readonly string[]];

/** What closed a polling place in a disrupted county, so that no two read as one copied line (all fictional). */
const DISRUPTIONS: readonly [Trouble, ...Trouble[]] = [
  ['One polling place closed by a power cut; voters sent to the next site (fictional)', ['alternate-site', 'extended-hours']],
  ['Polling place flooded after a burst pipe; voting moved to the library next door (fictional)', ['alternate-site']],
  ['School used as a polling place locked this morning; opened 40 minutes late, hours extended by court order (fictional)', ['extended-hours']],
  ['Gas leak at the town hall; voters sent to the fire station across the road (fictional)', ['alternate-site']],
  ['Road closed by a crash; voters from two wards redirected to a second site (fictional)', ['alternate-site']],
];

/** Why check-in is slow in a degraded county (all fictional). */
const SLOW_CHECK_INS: readonly [string, ...string[]] = [
  'Check-in slow at two sites; extra poll workers sent (fictional)',
  'One e-pollbook at each of two sites will not sync; checking voters in on the others (fictional)',
  'Long lines at the college site; a second check-in table opened (fictional)',
];

/**
 * What went wrong in a troubled Illinois county, each in its own words and most of it part of the demo's story (the
 * phishing emails, the noon rumour); one county each, so no two read as one copied line (all fictional).
 */
const ILLINOIS_TROUBLES: readonly (readonly [ElectionFunction, ...Trouble])[] = [
  ['pollbooks', 'Two e-pollbooks locked after a poll worker opened the fake "poll worker schedule" attachment; checking voters in on the others (fictional)', []],
  ['election-communications', 'Phones busy with voters who saw the Wisconsin noon rumour asking whether polls here close at noon; a recorded message now gives the real hours (fictional)', []],
  ['pollbooks', 'One e-pollbook at the community centre would not start; the spare from the clerk\'s office is in use (fictional)', ['backup-equipment']],
  ['pollbooks', 'Network down at two sites; e-pollbooks checking voters in offline and syncing every hour (fictional)', []],
  ['election-communications', 'Office email locked for an hour while passwords were reset after the phishing advisory; staff reachable by phone (fictional)', []],
  ['pollbooks', 'Site opened 20 minutes late: the poll worker with the e-pollbook keys was stuck in traffic; paper list used meanwhile (fictional)', ['paper-pollbooks']],
  ['ballot-marking', 'Ballot-marking device at the senior centre out of service; a second unit brought from the clerk\'s office (fictional)', ['backup-equipment']],
  ['election-communications', 'Wisconsin\'s noon rumour reposted on a local community page as if about Illinois; the county posted Illinois\' real polling hours in reply (fictional)', []],
  ['pollbooks', 'Label printers failing at two sites; poll workers writing ballot styles on the applications by hand (fictional)', []],
  ['voting', 'Drop box outside the library full by mid-morning; staff now empty it every two hours (fictional)', []],
  ['pollbooks', 'Long line at the university site; a second check-in table opened (fictional)', []],
  ['election-communications', 'County website slow under the traffic of voters checking polling hours (fictional)', []],
  ['voting', 'Church hall polling place without power for 30 minutes; voters used emergency paper ballots (fictional)', ['emergency-paper-ballots']],
  ['pollbooks', 'Voter list on one e-pollbook a day out of date; voters missing from it vote provisionally (fictional)', ['provisional-ballots']],
];

/** A small deterministic spread (no randomness: the same day seeds the same story). */
const pick = (orgId: string, n: number) => parseInt(orgId.slice(-8), 16) % n;

/**
 * A fictional general election under way: election day began seven hours before `now`, in every
 * state and territory. In Wisconsin most counties have reported (a few overdue, two with trouble,
 * many still silent); the demo county's e-pollbooks are degraded after the phishing story; Illinois'
 * state office shares its own status with the federal partner, so the federal liaison sees that and
 * nothing else. Every other state is silent: on the map they are hatched, never "normal".
 */
export function electionDemo(input: ElectionDemoInput): DemoObject[] {
  const start = demoElectionDayStart(input.now).getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const electionId = demoElectionId(input.now);
  const day = iso(start + 7 * HOUR).slice(0, 10);
  const out: DemoObject[] = [];
  out.push({
    object: {
      type: ELECTION_TYPE,
      spec_version: '2.1',
      id: electionId,
      created: iso(start - 30 * 24 * HOUR),
      modified: iso(start - 30 * 24 * HOUR),
      created_by_ref: input.hubOwner,
      object_marking_refs: [TLP_MARKING_IDS.green],
      extensions: newSdo,
      // Dated the day the demo starts, whatever weekday that is, so that election day is always under way; the name says so,
      // and names the day: a start on a later day adds that day's election beside the first (src/demo/seed-election-demo.ts).
      name: `General Election of ${new Date(`${day}T12:00:00.000Z`).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' })} (fictional, dated the day the demo started)`,
      description:
        'A fictional national general election for the Rampart demo. Its election day is the day the demo was started, even a weekend, so that there is always an election day under way to look at; the demo started on a later day adds that day’s election beside it.',
      election_type: 'general',
      election_date: day,
      state_fips: STATES.map((s) => s.fips),
      phases: [
        { phase: 'early-voting', start: iso(start - 14 * 24 * HOUR), end: iso(start - 12 * HOUR) },
        { phase: 'election-day', start: iso(start), end: iso(start + 22 * HOUR), report_every_minutes: 120 },
        { phase: 'canvass', start: iso(start + 22 * HOUR), end: iso(start + 14 * 24 * HOUR) },
      ],
    },
    owner: input.hubOwner,
    tlp: 'green',
    audience: ['community'],
  });

  const status = (j: DemoJurisdiction, hoursAgo: number, changes: Partial<Record<ElectionFunction, { level: StatusLevel; note?: string; contingencies?: string[] }>>, audience: readonly AudienceKey[], summary?: string) => {
    const at = iso(input.now.getTime() - hoursAgo * HOUR);
    const functions = Object.fromEntries(ELECTION_FUNCTIONS.map((f) => [f, changes[f] ?? { level: 'normal' }]));
    out.push({
      object: {
        type: STATUS_REPORT_TYPE,
        spec_version: '2.1',
        id: id(STATUS_REPORT_TYPE, `${electionId}:${j.id}:${hoursAgo}`),
        created: at,
        modified: at,
        created_by_ref: j.id,
        object_marking_refs: [TLP_MARKING_IDS.amber],
        extensions: newSdo,
        election_ref: electionId,
        jurisdiction_ref: j.id,
        state_fips: j.stateFips,
        ...(j.countyFips === null ? {} : { county_fips: j.countyFips }),
        functions,
        ...(summary === undefined ? {} : { summary }),
      },
      owner: j.id,
      tlp: 'amber',
      audience,
    });
  };

  const wi: readonly AudienceKey[] = ['state:55'];
  status(input.wisconsin, 6, {}, wi);
  status(input.wisconsin, 1, {}, wi, 'State systems normal; call centre busy with questions about the noon rumour (fictional).');
  status(input.county, 5, {}, wi);
  status(input.county, 1.5, { pollbooks: { level: 'degraded', note: 'Two e-pollbooks offline at one site (fictional)', contingencies: ['paper-pollbooks'] } }, wi, 'Paper backup lists in use at one site; passwords reset after the phishing emails (fictional).');
  let disrupted = 0;
  let slowed = 0;
  for (const c of input.counties.filter((x) => x.stateFips === '55')) {
    const k = pick(c.id, 20);
    if (k < 6) continue; // silent: no report yet
    status(c, 6.5, {}, wi);
    if (k < 9) continue; // reported once, early: now overdue
    // Each trouble once: a county past the end of its list reports normal rather than repeat another county's words.
    const disruption = k === 9 ? DISRUPTIONS[disrupted++] : undefined;
    const slow = k === 10 ? SLOW_CHECK_INS[slowed++] : undefined;
    if (disruption !== undefined) status(c, 1.2, { voting: { level: 'disrupted', note: disruption[0], contingencies: [...disruption[1]] } }, wi);
    else if (slow !== undefined) status(c, 0.8, { pollbooks: { level: 'degraded', note: slow } }, wi);
    else status(c, 0.3 + (k % 5) * 0.3, {}, wi);
  }
  // Illinois: its own status shared with its counties and the federal partner; its counties keep theirs in-state.
  status(input.illinois, 0.7, {}, ['state:17', `org:${input.federal}`], 'All Illinois election systems normal (fictional).');
  let troubled = 0;
  for (const c of input.counties.filter((x) => x.stateFips === '17')) {
    const k = pick(c.id, 10);
    if (k < 3) continue;
    const trouble = k === 3 ? ILLINOIS_TROUBLES[troubled++] : undefined;
    // Troubles reported over the last two hours, not all at one moment.
    status(c, trouble === undefined ? 0.4 + (k % 4) * 0.4 : 0.3 + ((troubled - 1) % 6) * 0.3, trouble === undefined ? {} : { [trouble[0]]: { level: 'degraded', note: trouble[1], ...(trouble[2].length === 0 ? {} : { contingencies: [...trouble[2]] }) } }, ['state:17']);
  }
  return out;
}
