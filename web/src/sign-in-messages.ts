import type { ApiProblem } from './api.ts';

export interface SignInMessage {
  readonly text: string;
  /** The server wants a TOTP code: show the code field. */
  readonly needsTotp: boolean;
  /** The organization requires a second factor this person has not set up: offer enrolment. */
  readonly needsEnrolment?: boolean;
}

/** "in 4 minutes", "in 30 seconds", "at 14:05" for a wait of `seconds` from `now`. */
export function retryWhen(seconds: number, now: Date): string {
  if (seconds < 60) return `in ${Math.max(1, Math.ceil(seconds))} seconds`;
  if (seconds < 3600) {
    const m = Math.ceil(seconds / 60);
    return `in ${m} minute${m === 1 ? '' : 's'}`;
  }
  const at = new Date(now.getTime() + seconds * 1000);
  return `at ${at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

/** What to tell a person whose sign-in failed: the server's words, plus when to retry a locked account. */
export function describeSignInProblem(problem: ApiProblem, now: Date = new Date()): SignInMessage {
  const code = problem.code;
  if (code === 'totp-required') return { text: 'Enter the 6-digit code from your authenticator app.', needsTotp: true };
  if (code === 'totp-enrolment-required') {
    return { text: "Your organization requires a code from an authenticator app at sign-in. Ask your organization's administrator for an enrolment code, enter it below to set up the app, then sign in with a code from it.", needsTotp: false, needsEnrolment: true };
  }
  const needsTotp = code.startsWith('totp') || code.includes('-totp');
  if (problem.status === 429 || code === 'account-locked' || code === 'rate-limited') {
    const wait = problem.retryAfter === null ? '' : ` You can try again ${retryWhen(problem.retryAfter, now)}.`;
    return { text: `${problem.detail}${problem.detail.includes('try again') ? '' : wait}`, needsTotp };
  }
  return { text: problem.detail, needsTotp };
}

/** Why "Sign in" cannot be used yet, said beside it, or null once it can. */
export function signInWhy(email: string, password: string): string | null {
  if (email.trim() === '' && password === '') return 'Enter your work email and password.';
  if (email.trim() === '') return 'Enter your work email.';
  if (password === '') return 'Enter your password.';
  return null;
}

/** Said on the sign-in page to someone already signed in (a bookmark, the back button): who, and that the form switches person. */
export function alreadySignedIn(name: string, orgName: string): string {
  return `You are already signed in as ${name}, ${orgName}. Sign in below only to switch to another account.`;
}
