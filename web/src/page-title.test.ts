import { describe, expect, it } from 'vitest';
import { pageTitle } from './page-title.ts';

describe('page titles', () => {
  it('names each page in the browser tab', () => {
    expect(pageTitle('/')).toBe('Dashboard · Rampart');
    expect(pageTitle('/intel/incident--e34eac3b-4f80-5652-8ba4-2a2896604931')).toBe('Intelligence item · Rampart');
    expect(pageTitle('/rumour-control')).toBe('Rumour control · Rampart');
    expect(pageTitle('/signin')).toBe('Sign in · Rampart');
    expect(pageTitle('/nowhere')).toBe('Page not found · Rampart');
  });
});
