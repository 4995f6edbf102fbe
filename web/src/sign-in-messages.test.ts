import { describe, expect, it } from 'vitest';
import type { ApiProblem } from './api.ts';
import { alreadySignedIn, describeSignInProblem, retryWhen, signInWhy } from './sign-in-messages.ts';

const problem = (code: string, status = 401, retryAfter: number | null = null): ApiProblem => ({ status, title: 'Unauthorized', detail: 'The server says no', code, retryAfter, errors: [] });

describe('sign-in messages', () => {
  it('asks for a code when the account has one', () => {
    expect(describeSignInProblem(problem('totp-required'))).toEqual({ text: 'Enter the 6-digit code from your authenticator app.', needsTotp: true });
    expect(describeSignInProblem(problem('totp-invalid')).needsTotp).toBe(true);
  });

  it('offers enrolment when the organization requires a code the person has not set up', () => {
    const m = describeSignInProblem(problem('totp-enrolment-required'));
    expect(m.needsEnrolment).toBe(true);
    expect(m.needsTotp).toBe(false);
  });

  it('says when a locked account may retry', () => {
    const now = new Date('2026-11-03T12:00:00Z');
    expect(describeSignInProblem(problem('account-locked', 423, 240), now).text).toBe('The server says no You can try again in 4 minutes.');
    expect(retryWhen(30, now)).toBe('in 30 seconds');
  });

  it('passes other problems through in the server words', () => {
    expect(describeSignInProblem(problem('bad-credentials')).text).toBe('The server says no');
  });
});

describe('the sign-in form', () => {
  it('says beside "Sign in" what is still missing, and nothing once it can go', () => {
    expect(signInWhy('', '')).toBe('Enter your work email and password.');
    expect(signInWhy('  ', 'secret')).toBe('Enter your work email.');
    expect(signInWhy('clerk@demoville.example', '')).toBe('Enter your password.');
    expect(signInWhy('clerk@demoville.example', 'secret')).toBeNull();
  });

  it('tells someone already signed in who they are, and what the form would do', () => {
    // Names often end in brackets of their own ("(village clerk)", "(fictional)"): none are added around them.
    expect(alreadySignedIn('Casey Demo (village clerk)', 'Village of Demoville Clerk (fictional)')).toBe('You are already signed in as Casey Demo (village clerk), Village of Demoville Clerk (fictional). Sign in below only to switch to another account.');
  });
});
