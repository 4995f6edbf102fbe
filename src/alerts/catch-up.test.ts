import { describe, expect, it } from 'vitest';
import { freshStores, obj, put, share, ORG_A } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { Change } from './bus.ts';
import { storeCatchUp } from './catch-up.ts';

describe.each(testDialects())('the catch-up of lost changes on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('hands on, once and after the grace, only the versions no change named; nothing while no stream is watched', async () => {
    const { store } = await fresh();
    let now = 0;
    const delivered: Change[] = [];
    const catchUp = storeCatchUp({ stix: store.stix, now: () => now, graceMs: 1000, deliver: (c) => delivered.push(c) });
    const before = obj({ name: 'before any stream', sharing: share(ORG_A, 'green', ['community']) });
    await put(store.stix, [before]);
    await catchUp.scan();
    expect(delivered).toEqual([]);

    await catchUp.watch();
    const [heardEarly, heardLate, lost] = ['named before the scan', 'named after the scan', 'never named'].map((name) => obj({ name, sharing: share(ORG_A, 'amber', ['state:55']) }));
    if (heardEarly === undefined || heardLate === undefined || lost === undefined) throw new Error('three objects');
    for (const o of [heardEarly, heardLate, lost]) await put(store.stix, [o]);
    const page = await store.stix.list({ kind: 'operator' }, { versions: 'all', limit: 10 });
    if (!page.ok) throw new Error(page.error.message);
    const version = (id: string) => {
      const v = page.value.items.find((i) => i.id === id);
      if (v === undefined) throw new Error(`${id} not stored`);
      return { id: v.id, added_us: v.addedUs };
    };
    const named = (id: string): Change => ({ kind: 'stored', count: 1, audience: ['state:55'], owners: [ORG_A], versions: [version(id)] });
    catchUp.heard(named(heardEarly.id));
    await catchUp.scan();
    // Within the grace: its change may still be on the way.
    expect(delivered).toEqual([]);
    catchUp.heard(named(heardLate.id));
    now = 1000;
    await catchUp.scan();
    expect(delivered).toEqual([{ kind: 'stored', count: 1, audience: ['state:55'], owners: [ORG_A], versions: [version(lost.id)] }]);
    now = 5000;
    await catchUp.scan();
    expect(delivered).toHaveLength(1);

    // The last stream gone, nothing is accounted for; the next one starts from where the store stands.
    catchUp.unwatch();
    await put(store.stix, [obj({ name: 'while nobody watched', sharing: share(ORG_A, 'green', ['community']) })]);
    await catchUp.watch();
    now = 9000;
    await catchUp.scan();
    expect(delivered).toHaveLength(1);
  });
  it('says how far everything was heard or handed on: an unheard version or re-share holds the watermark back until handed on', async () => {
    const { store } = await fresh();
    let now = 0;
    const delivered: Change[] = [];
    const catchUp = storeCatchUp({ stix: store.stix, now: () => now, graceMs: 1000, deliver: (c) => delivered.push(c) });
    expect(catchUp.watermark).toBeNull();
    await catchUp.watch();
    const [a, b] = ['heard', 'lost'].map((name) => obj({ name, sharing: share(ORG_A, 'green', ['community']) }));
    if (a === undefined || b === undefined) throw new Error('two objects');
    await put(store.stix, [a]);
    await put(store.stix, [b]);
    const page = await store.stix.list({ kind: 'operator' }, { versions: 'all', limit: 10 });
    if (!page.ok) throw new Error(page.error.message);
    const at = (id: string) => page.value.items.find((v) => v.id === id)?.addedUs ?? -1;
    catchUp.heard({ kind: 'stored', count: 1, audience: ['community'], owners: [ORG_A], versions: [{ id: a.id, added_us: at(a.id) }] });
    await catchUp.scan();
    // `b` read, not named, within its grace: everything before it only.
    expect(catchUp.watermark).toBe(at(b.id) - 1);
    now = 1000;
    await catchUp.scan();
    expect(delivered.map((c) => c.kind)).toEqual(['stored']);
    expect(catchUp.watermark).toBe(at(b.id));
    // A re-share whose change is lost holds it back the same way (the log is read after the versions).
    const reshared = await store.stix.reshare(a.id, share(ORG_A, 'amber', [`org:${ORG_A}`]));
    if (reshared === null) throw new Error('the re-share logged nothing');
    await put(store.stix, [obj({ name: 'after', sharing: share(ORG_A, 'green', ['community']) })]);
    await catchUp.scan();
    expect(catchUp.watermark).toBe(reshared - 1);
    now = 2000;
    await catchUp.scan();
    expect(delivered.map((c) => c.kind)).toEqual(['stored', 'stored', 'reshared']);
    expect(catchUp.watermark).toBeGreaterThan(reshared);
    catchUp.unwatch();
    expect(catchUp.watermark).toBeNull();
  });

  it('hands on, after the grace, a re-share whose change no one heard; not one that was heard, not one made while no stream was watched, and a heard re-share that logged nothing stands for no later one', async () => {
    const { store } = await fresh();
    let now = 0;
    const delivered: Change[] = [];
    const catchUp = storeCatchUp({ stix: store.stix, now: () => now, graceMs: 1000, deliver: (c) => delivered.push(c) });
    const reshares = () => delivered.filter((c) => c.kind === 'reshared');
    const [heard, lost, later] = ['re-shared, heard', 're-shared, lost', 're-shared later, lost'].map((name) => obj({ name, sharing: share(ORG_A, 'amber', [`org:${ORG_A}`]) }));
    if (heard === undefined || lost === undefined || later === undefined) throw new Error('three objects');
    await put(store.stix, [heard, lost, later]);
    await store.stix.reshare(heard.id, share(ORG_A, 'amber', ['state:55']));
    await catchUp.watch();
    // Before any stream: where the log stood when the first one opened is not news.
    now = 5000;
    await catchUp.scan();
    expect(reshares()).toEqual([]);

    await store.stix.reshare(heard.id, share(ORG_A, 'amber', ['state:55', 'state:17']));
    catchUp.heard({ kind: 'reshared', id: heard.id });
    const lostAt = await store.stix.reshare(lost.id, share(ORG_A, 'amber', ['state:55']));
    // Re-shared to the audience it had: the store logs nothing, but the change is sent.
    expect(await store.stix.reshare(later.id, share(ORG_A, 'amber', [`org:${ORG_A}`]))).toBeNull();
    catchUp.heard({ kind: 'reshared', id: later.id });
    await catchUp.scan();
    // Within the grace: its change may still be on the way.
    expect(reshares()).toEqual([]);
    now = 6000;
    await catchUp.scan();
    // With when it was logged (a feed's cursor moves past it).
    expect(reshares()).toEqual([{ kind: 'reshared', id: lost.id, owner: ORG_A, at_us: lostAt }]);

    const laterAt = await store.stix.reshare(later.id, share(ORG_A, 'amber', ['state:55']));
    await catchUp.scan();
    now = 7000;
    await catchUp.scan();
    expect(reshares()).toEqual([{ kind: 'reshared', id: lost.id, owner: ORG_A, at_us: lostAt }, { kind: 'reshared', id: later.id, owner: ORG_A, at_us: laterAt }]);

    catchUp.unwatch();
    await store.stix.reshare(lost.id, share(ORG_A, 'amber', ['state:17']));
    await catchUp.watch();
    now = 9000;
    await catchUp.scan();
    now = 12000;
    await catchUp.scan();
    expect(reshares()).toHaveLength(2);
  });
});
