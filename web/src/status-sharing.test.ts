import { describe, expect, it } from 'vitest';
import { TLP_LEVELS } from '../../src/domain/tlp.ts';
import { toProblem } from './api.ts';
import { isAllowed, type Reporter } from './sharing-rules.ts';
import { sharingIssue, sharingLine, statusAudienceChoices, statusProblem } from './status-sharing.ts';

const clerk: Reporter = {
  userId: '6f1b2c3d-0000-4000-8000-000000000001',
  orgId: 'identity--6f1b2c3d-0000-4000-8000-000000000002',
  orgName: 'Lakeview County Elections',
  stateFips: '55',
  stateName: 'Wisconsin',
  groups: [{ id: '6f1b2c3d-0000-4000-8000-000000000003', name: 'Midwest clerks' }],
};

describe('sharing on the status posting screen', () => {
  it('offers only audiences the TLP allows, and never the public', () => {
    for (const tlp of TLP_LEVELS) {
      const choices = statusAudienceChoices(tlp, clerk);
      expect(choices.every((c) => isAllowed(tlp, c.kind) && c.kind !== 'public')).toBe(true);
    }
    expect(statusAudienceChoices('amber', clerk).map((c) => c.key)).toEqual(['state:55', `org:${clerk.orgId}`, `group:${clerk.groups[0]?.id ?? ''}`]);
    expect(statusAudienceChoices('red', clerk).map((c) => c.key)).toEqual([`user:${clerk.userId}`]);
  });

  it('says who will see it in one line', () => {
    expect(sharingLine('amber', ['state:55'], clerk)).toBe('TLP:AMBER, shared with Wisconsin (state office and its local offices)');
    expect(sharingLine('amber', ['state:55', `org:${clerk.orgId}`], clerk)).toBe('TLP:AMBER, shared with Wisconsin (state office and its local offices) and Lakeview County Elections (your organization)');
    expect(sharingIssue('amber', [])).toBe('Choose who may see it: TLP:AMBER may be shared with organizations, states or sharing groups, not with the public, the whole community or named people.');
    expect(sharingIssue('amber', ['state:55'])).toBeNull();
  });

  it('turns a TLP/audience mismatch into plain words, without audience keys', () => {
    const refused = toProblem(422, { title: 'Unprocessable', code: 'tlp-audience-mismatch', detail: 'TLP:RED may only name people (user:<id>); remove state:55', errors: [{ path: '$.audience[0]', message: 'remove state:55' }] }, null);
    const shown = statusProblem(refused, 'red');
    expect(shown.detail).toBe('TLP:RED cannot go to everyone you chose. TLP:RED may be shared with named people, not with the public, the whole community, organizations, states or sharing groups. Change “Who sees it” and send again.');
    expect(shown.detail).not.toMatch(/state:|user:/);
    expect(shown.errors).toEqual([]);
    const other = toProblem(403, { code: 'not-your-jurisdiction', detail: 'Only Dane itself reports' }, null);
    expect(statusProblem(other, 'red')).toBe(other);
  });
});
