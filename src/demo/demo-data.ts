import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import { TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import type { CorrectionBody } from '../rumours/schemas.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';

/** The organizations the demo story is told between. Every name in the demo is fictional. */
export interface DemoOrgs {
  /** A state election office. */
  readonly state: { readonly id: OrgId; readonly fips: string };
  /** A fictional local election jurisdiction in that state (a village clerk's office). */
  readonly county: { readonly id: OrgId };
  /** A second state, to show what does not cross state lines. */
  readonly otherState: { readonly id: OrgId; readonly fips: string };
  /** A federal partner (CISA in the seed). */
  readonly federal: { readonly id: OrgId };
}

export interface DemoItem {
  readonly object: Record<string, unknown>;
  readonly owner: OrgId;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
}

const id = (type: string, name: string): string => `${type}--${uuidV5(`demo:${type}:${name}`, RAMPART_NAMESPACE)}`;

/** The village's phishing incident (the same id whatever the story's day): its request for the state's responders is about it. */
export const DEMO_COUNTY_INCIDENT_ID = id('incident', 'county-phishing');

/** Demo timestamps around the start of election day: the phishing weeks before, the rumour and its correction that day. */
type Times = Readonly<Record<'early' | 'mid' | 'eve' | 'day' | 'noon', string>>;

/** Without a demo election, a fictional general election on 2026-11-03. */
const FIXED: Times = {
  early: '2026-10-20T14:05:00.000Z',
  mid: '2026-10-28T09:30:00.000Z',
  eve: '2026-11-02T21:15:00.000Z',
  day: '2026-11-03T07:00:00.000Z',
  noon: '2026-11-03T12:00:00.000Z',
};

const HOUR = 3_600_000;

/**
 * The story's times around election day, when it began at `electionDayStart` (the demo election's, see
 * election-demo.ts): so the phishing precedes the election and the noon rumour is corrected during it, never a month apart.
 */
export function demoTimes(electionDayStart: Date | undefined): Times {
  if (electionDayStart === undefined) return FIXED;
  const at = (hours: number) => new Date(electionDayStart.getTime() + hours * HOUR).toISOString();
  return { early: at(-14 * 24 - 17), mid: at(-6 * 24 - 21.5), eve: at(-9.75), day: at(0), noon: at(5) };
}

function sdo(type: string, name: string, created: string, owner: OrgId, tlp: Tlp, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    spec_version: '2.1',
    id: id(type, name),
    created,
    modified: created,
    created_by_ref: owner,
    object_marking_refs: [TLP_MARKING_IDS[tlp]],
    ...extra,
  };
}

const electionExt = (props: Record<string, unknown>): Record<string, unknown> => ({
  extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', ...props } },
});

/**
 * A small, plainly fictional election-security story: phishing and a rumour (its public correction: demoCorrection;
 * the election and its status reports: src/demo/election-demo.ts).
 */
export function demoItems(orgs: DemoOrgs, electionDayStart?: Date): DemoItem[] {
  const T = demoTimes(electionDayStart);
  const { state, county, otherState, federal } = orgs;
  const stateKey: AudienceKey = `state:${state.fips}`;
  const items: DemoItem[] = [];
  const add = (object: Record<string, unknown>, owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[]): string => {
    items.push({ object, owner, tlp, audience });
    return object['id'] as string;
  };

  const actor = add(
    sdo('threat-actor', 'paper-lynx', T.early, federal.id, 'green', {
      name: 'PAPER LYNX (fictional)',
      description: 'Fictional actor used in Rampart demo data: sends credential-phishing emails to election offices.',
      threat_actor_types: ['spy'],
      sophistication: 'intermediate',
    }),
    federal.id,
    'green',
    ['community'],
  );
  const campaign = add(
    sdo('campaign', 'operation-paper-ballot', T.early, federal.id, 'green', {
      name: 'Operation Paper Ballot (fictional)',
      description: 'Emails to local election clerks and their staff in at least two states, sent from a lookalike of a state voter portal, asking them to confirm their passwords or open a "poll worker schedule" attachment during early voting (fictional, for the demo only).',
      first_seen: T.early,
    }),
    federal.id,
    'green',
    ['community'],
  );
  add(
    sdo('relationship', 'campaign-attributed-to-actor', T.early, federal.id, 'green', {
      relationship_type: 'attributed-to',
      source_ref: campaign,
      target_ref: actor,
    }),
    federal.id,
    'green',
    ['community'],
  );

  // Name, pattern, name shown, and what an analyst would write about it: where it was seen and what to do with it.
  const indicators: [string, string, string, string][] = [
    [
      'phish-domain',
      "[domain-name:value = 'ballot-update-portal.example']",
      'Phishing domain impersonating a state voter portal',
      'Registered shortly before the first emails and styled after a state voter-registration portal. Links to it arrived in emails to local election clerks asking them to "confirm" their accounts during early voting. Block it at the mail gateway and web proxy (fictional).',
    ],
    [
      'phish-url',
      "[url:value = 'https://ballot-update-portal.example/login']",
      'Credential harvesting page',
      'Login page on the phishing domain that copies a state election portal and posts what is typed to the actor. Anyone who entered a password here should reset it and have their sessions ended (fictional).',
    ],
    [
      'c2-ip',
      "[ipv4-addr:value = '203.0.113.47']",
      'Command-and-control address (documentation range)',
      'Address the "poll worker schedule" attachment calls out to over HTTPS once opened. Look for connections to it in firewall and proxy logs since the first emails (fictional).',
    ],
    [
      'attachment',
      "[file:hashes.'SHA-256' = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100']",
      'Malicious "poll worker schedule" attachment',
      'Spreadsheet sent as a "poll worker schedule" that asks to enable macros, then installs a downloader. Seen in emails to local election staff in two states (fictional).',
    ],
    [
      'sender',
      "[email-message:from_ref.value = 'clerk-support@ballot-update-portal.example']",
      'Spoofed support sender',
      'Sender address of the phishing emails, posing as a state "clerk support" desk. No election office writes from this domain; quarantine messages from it and report any that arrive (fictional).',
    ],
  ];
  const indicatorIds = new Map<string, string>();
  for (const [name, pattern, title, description] of indicators) {
    const indicator = add(
      sdo('indicator', name, T.mid, federal.id, 'green', {
        name: `${title} (fictional)`,
        description,
        indicator_types: ['malicious-activity'],
        pattern,
        pattern_type: 'stix',
        valid_from: T.mid,
      }),
      federal.id,
      'green',
      ['community'],
    );
    indicatorIds.set(name, indicator);
    add(
      sdo('relationship', `${name}-indicates-campaign`, T.mid, federal.id, 'green', {
        relationship_type: 'indicates',
        source_ref: indicator,
        target_ref: campaign,
      }),
      federal.id,
      'green',
      ['community'],
    );
  }

  const pollbook = add(
    sdo('infrastructure', 'county-epollbook', T.early, county.id, 'amber', {
      name: 'E-pollbook network, Village of Demoville (fictional)',
      description: 'The village’s six e-pollbooks and the office workstation that loads them with the voter list before each election; they check voters in at its two polling places (fictional).',
      infrastructure_types: ['workstation'],
      ...electionExt({ asset_type: 'e-pollbook', election_functions: ['pollbooks'], state_fips: state.fips }),
    }),
    county.id,
    'amber',
    [stateKey],
  );
  const incident = add(
    sdo('incident', 'county-phishing', T.eve, county.id, 'amber', {
      name: 'Phishing emails to poll-worker coordinators (fictional)',
      description: 'Three staff received emails linking to ballot-update-portal.example; one entered a password, since reset (fictional).',
      // Reported once the password was reset: a case the county has contained (docs/incidents.md).
      ...electionExt({ incident_category: 'cyber', severity: 'moderate', election_functions: ['pollbooks', 'election-communications'], state_fips: state.fips, case_status: 'contained' }),
    }),
    county.id,
    'amber',
    [stateKey],
  );
  // The county links its incident to the federal indicator its staff's emails matched, so the state sees the campaign behind it.
  const phishDomain = indicatorIds.get('phish-domain');
  if (phishDomain !== undefined) {
    add(
      sdo('relationship', 'phish-domain-indicates-county-incident', T.eve, county.id, 'amber', {
        relationship_type: 'indicates',
        source_ref: phishDomain,
        target_ref: incident,
      }),
      county.id,
      'amber',
      [stateKey],
    );
  }
  add(
    sdo('note', 'county-phishing-contained', T.eve, county.id, 'amber', {
      abstract: 'Contained',
      content: 'Password reset for the staff member who entered it; the sender is blocked at our mail gateway and staff were reminded to verify reset requests by phone (fictional).',
      object_refs: [incident],
    }),
    county.id,
    'amber',
    [stateKey],
  );
  add(
    sdo('relationship', 'incident-targets-pollbook', T.eve, county.id, 'amber', {
      relationship_type: 'targets',
      source_ref: incident,
      target_ref: pollbook,
    }),
    county.id,
    'amber',
    [stateKey],
  );

  const rumour = add(
    sdo('incident', 'polling-place-rumour', T.day, state.id, 'green', {
      name: 'False rumour: "polling places close at noon" (fictional)',
      description: 'Posts claim polling places in the state close at noon on election day. They close at the time set by state law (fictional).',
      ...electionExt({ incident_category: 'influence', severity: 'high', election_functions: ['voting'], state_fips: state.fips }),
    }),
    state.id,
    'green',
    ['community'],
  );
  add(
    sdo('report', 'joint-advisory-phishing', T.mid, federal.id, 'green', {
      name: 'Advisory: credential phishing against election offices (fictional)',
      description: 'Fictional advisory: verify password-reset emails by phone; report suspicious messages through Rampart.',
      report_types: ['advisory'],
      published: T.mid,
      object_refs: [campaign, actor],
    }),
    federal.id,
    'green',
    ['community'],
  );
  // Something the other state keeps to itself: visible to that state only.
  add(
    // About the rumour, so after it: Illinois staffs up once the rumour is out.
    sdo('note', 'other-state-internal', T.noon, otherState.id, 'amber', {
      content: 'Internal note: Wisconsin’s noon rumour is reaching Illinois voters; extra staff at the call centre for the rest of election day (fictional).',
      object_refs: [rumour],
    }),
    otherState.id,
    'amber',
    [`state:${otherState.fips}`],
  );
  // In story order (stable for equal times): the demo is seeded at once, so the order it is shared in is what
  // "Latest shared with you" lists as newest first, and it then agrees with the times it shows.
  return items.map((item, i) => ({ item, i })).sort((a, b) => String(a.item.object['modified']).localeCompare(String(b.item.object['modified'])) || a.i - b.i).map((x) => x.item);
}

/** The state office's public correction of the demo rumour: published through rumour control (seed-demo.ts), as an official would. */
export interface DemoCorrection {
  readonly id: string;
  readonly owner: OrgId;
  /** When it is published: five hours into election day. */
  readonly at: string;
  readonly body: CorrectionBody;
}

export function demoCorrection(orgs: DemoOrgs, electionDayStart?: Date): DemoCorrection {
  const { state } = orgs;
  return {
    id: id('report', 'rumour-control-closing-time'),
    owner: state.id,
    at: demoTimes(electionDayStart).noon,
    body: {
      title: 'Rumour control: polling places do not close at noon (fictional)',
      rumour: 'Posts claim polling places in the state close at noon on election day.',
      reality: 'Polling places are open for the full hours set by state law, not until noon. Anyone in line at closing time may vote.',
      official_links: [{ title: 'Wisconsin Elections Commission: voting hours (fictional page)', url: 'https://elections.example.gov/voting-hours' }],
      law_cited: ['Wisconsin election law on polling hours (fictional)'],
      state_fips: state.fips,
      phase: 'during',
    },
  };
}

/** Who drafts or signs a demo statement: one of the story's organizations. */
export type DemoParty = keyof DemoOrgs;

/** A joint statement of the demo, drafted, approved by every signer and published through the statement service (seed-demo.ts). */
export interface DemoStatement {
  readonly author: DemoParty;
  readonly cosigners: readonly DemoParty[];
  readonly title: string;
  readonly text: string;
  readonly tlp: 'clear' | 'green';
  /** Drafted; each co-signer approves a quarter hour later, the author after them, and the author publishes. */
  readonly drafted: string;
  readonly published: string;
}

/**
 * The story's joint statements: Wisconsin and the village clerk tell the public together that the noon rumour is false
 * (TLP:CLEAR, on the public pages) an hour after the state's correction; before election day CISA and Wisconsin tell
 * election offices about the phishing campaign (TLP:GREEN, members only).
 */
export function demoStatements(electionDayStart?: Date): readonly DemoStatement[] {
  const T = demoTimes(electionDayStart);
  const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
  return [
    {
      author: 'federal',
      cosigners: ['state'],
      title: 'Joint statement: phishing emails to election offices ahead of election day (fictional)',
      text: [
        'CISA and the Wisconsin Elections Commission are aware of emails sent to local election clerks that ask them to "confirm" their password on ballot-update-portal.example. That site is not run by any election office.',
        'No election office will ask for a password by email. Verify any password-reset request by phone, using a number you already have, and report suspicious messages through Rampart.',
        'This statement is part of the Rampart demo; the organizations and events in it are fictional.',
      ].join('\n\n'),
      tlp: 'green',
      drafted: later(T.mid, 60),
      published: later(T.mid, 180),
    },
    {
      author: 'state',
      cosigners: ['county'],
      title: 'Joint statement: polling places in Wisconsin are open until the legal closing time, not noon (fictional)',
      text: [
        'Posts shared this morning claim that polling places in the state close at noon today. That is false.',
        'The Wisconsin Elections Commission and the Village of Demoville Clerk confirm that every polling place is open for the full hours set by state law. Anyone in line when polls close may still vote.',
        'Check your polling place and its hours with your municipal clerk or on the Wisconsin Elections Commission’s voting-hours page.',
        'This statement is part of the Rampart demo; the organizations and events in it are fictional.',
      ].join('\n\n'),
      tlp: 'clear',
      drafted: later(T.noon, 20),
      published: later(T.noon, 60),
    },
  ];
}
