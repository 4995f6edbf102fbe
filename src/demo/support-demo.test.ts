import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportRepository } from '../store/support.ts';
import { composedHub, type ComposedHub } from '../../test/helpers/composed-hub.ts';
import { seedDemoSupport } from './support-demo.ts';

describe('the demo catalogue of support services', () => {
  let h: ComposedHub;
  beforeAll(async () => {
    h = await composedHub();
  });
  afterAll(async () => {
    await h.close();
  });

  it('offers CISA’s and Wisconsin’s services, once however often it runs', async () => {
    const repo = supportRepository(h.store.database);
    await seedDemoSupport(h.hub.auth.context, repo, 1);
    await seedDemoSupport(h.hub.auth.context, repo, 2);
    const offered = await repo.offerings({ activeOnly: true });
    const wisconsin = await h.state('55');
    expect(offered.filter((o) => o.providerOrg === wisconsin).map((o) => o.service)).toEqual(['incident-response', 'threat-briefing']);
    expect(offered).toHaveLength(6);
  });
});
