import { describe, expect, it } from 'vitest';
import { addLiveItem, LIVE_KEEP, readLiveItem, refreshDelayMs, retryDelayMs, type LiveItem } from './live.ts';

const data = { id: 'indicator--0b9a3c2e-1f4d-4c8b-9a7e-2d5f6b8c9e01', type: 'indicator', name: 'Scanner', tlp: 'amber', owner: 'identity--x', owner_name: 'Birch Falls', modified: '2026-11-03T12:00:00.000Z', revoked: false, change: 'stored' };

describe('live feed items', () => {
  it('reads an event and refuses what is not one', () => {
    expect(readLiveItem(JSON.stringify(data))).toEqual({ id: data.id, type: 'indicator', name: 'Scanner', tlp: 'amber', ownerName: 'Birch Falls', modified: data.modified, revoked: false, change: 'stored' });
    expect(readLiveItem(JSON.stringify({ ...data, change: 'reshared', name: null }))).toMatchObject({ change: 'reshared', name: null });
    for (const bad of ['', '{', '[]', JSON.stringify({ ...data, tlp: 'purple' }), JSON.stringify({ ...data, id: 3 })]) expect(readLiveItem(bad), bad).toBeNull();
  });

  it('keeps the newest first, one row per object, and only the last few', () => {
    const item = (n: number, id = `x--${n}`): LiveItem => ({ id, type: 'indicator', name: `n${n}`, tlp: 'green', ownerName: null, modified: null, revoked: false, change: 'stored' });
    let items: readonly LiveItem[] = [];
    for (let n = 1; n <= LIVE_KEEP + 5; n++) items = addLiveItem(items, item(n));
    expect(items).toHaveLength(LIVE_KEEP);
    expect(items[0]?.name).toBe(`n${LIVE_KEEP + 5}`);
    items = addLiveItem(items, item(99, `x--${LIVE_KEEP + 2}`));
    expect(items.map((i) => i.name).slice(0, 2)).toEqual(['n99', `n${LIVE_KEEP + 5}`]);
    expect(items.filter((i) => i.id === `x--${LIVE_KEEP + 2}`)).toHaveLength(1);
  });

  it('backs off reconnects up to a minute', () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 60_000]);
  });
});

describe('refreshDelayMs', () => {
  it('reads at once when the last read is older than the gap, else at the end of the gap', () => {
    expect(refreshDelayMs(20_000, 10_000)).toBe(0);
    expect(refreshDelayMs(15_000, 10_000)).toBe(0);
    expect(refreshDelayMs(11_000, 10_000)).toBe(4000);
    expect(refreshDelayMs(11_000, 10_000, 2000)).toBe(1000);
  });
});
