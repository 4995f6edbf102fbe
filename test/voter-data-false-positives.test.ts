import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoItems, type DemoOrgs } from '../src/demo/demo-data.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { scanForVoterData } from '../src/domain/privacy/index.ts';
import { SHARED_DATA } from './helpers/shared-data.ts';

// The scanner must refuse voter data without refusing the intelligence Rampart is built to share:
// every object of the knowledge base, the OASIS examples and the demo story passes it untouched.
const OASIS = path.join(SHARED_DATA, 'stix2-json-schemas/examples');
const bundles = [
  path.join(SHARED_DATA, 'attack/ics-attack-18.0.json'),
  path.join(SHARED_DATA, 'attack/ics-attack-18.1.json'),
  path.join(SHARED_DATA, 'attack/mobile-attack-17.1.json'),
  path.join(SHARED_DATA, 'disarm/DISARM.json'),
  ...readdirSync(OASIS).filter((f) => f.endsWith('.json')).map((f) => path.join(OASIS, f)),
  ...readdirSync(path.join(OASIS, 'threat-reports')).map((f) => path.join(OASIS, 'threat-reports', f)),
];

const orgs: DemoOrgs = {
  state: { id: 'identity--11111111-1111-4111-8111-111111111111' as OrgId, fips: '55' },
  county: { id: 'identity--22222222-2222-4222-8222-222222222222' as OrgId },
  otherState: { id: 'identity--33333333-3333-4333-8333-333333333333' as OrgId, fips: '17' },
  federal: { id: 'identity--44444444-4444-4444-8444-444444444444' as OrgId },
};

function objectsOf(file: string): Record<string, unknown>[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { objects?: Record<string, unknown>[] } & Record<string, unknown>;
  return parsed.objects ?? [parsed];
}

describe('the voter-data scanner on real intelligence', () => {
  it.each(bundles.map((f) => [path.relative(SHARED_DATA, f), f]))('finds nothing in %s', (_label, file) => {
    const objects = objectsOf(file);
    expect(objects.length).toBeGreaterThan(0);
    const hits = objects.flatMap((o) => scanForVoterData(o).map((f) => ({ id: o['id'], at: f.at.join('.'), kind: f.kind })));
    expect(hits).toEqual([]);
  });

  it('finds nothing in the demo story', () => {
    const items = demoItems(orgs);
    expect(items.length).toBeGreaterThan(5);
    expect(items.flatMap((i) => scanForVoterData(i.object).map((f) => ({ id: i.object['id'], at: f.at.join('.'), kind: f.kind })))).toEqual([]);
  });
});
