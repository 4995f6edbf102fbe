import { describe, expect, it } from 'vitest';
import { pageTitle } from './page-title.ts';

describe('page titles', () => {
  it('names each page in the browser tab', () => {
    expect(pageTitle('/')).toBe('Dashboard · Rampart');
    expect(pageTitle('/intel/incident--e34eac3b-4f80-5652-8ba4-2a2896604931')).toBe('Intelligence item · Rampart');
    expect(pageTitle('/rumour-control')).toBe('Rumour control · Rampart');
    expect(pageTitle('/signin')).toBe('Sign in · Rampart');
    expect(pageTitle('/statements/new')).toBe('Draft a joint statement · Rampart');
    expect(pageTitle('/statements/0b0e6c1e-0000-4000-8000-000000000000/edit')).toBe('Change a joint statement · Rampart');
    expect(pageTitle('/statements/0b0e6c1e-0000-4000-8000-000000000000')).toBe('Joint statement · Rampart');
    expect(pageTitle('/nowhere')).toBe('Page not found · Rampart');
  });
});
