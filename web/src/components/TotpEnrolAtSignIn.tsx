import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { groupSecret } from '../settings-words.ts';
import { ProblemBox } from './Status.tsx';
import { TotpQrCode } from './TotpQrCode.tsx';

type TotpBody = ApiResponse<'/api/v1/me/totp', 'post'>;

/**
 * Enrolment before a first sign-in, when the organization requires a code (POST /api/v1/me/totp with email, password
 * and the one-time enrolment code an administrator issued: a stolen password alone cannot set up an authenticator).
 */
export function TotpEnrolAtSignIn(props: { readonly email: string; readonly password: string; readonly onEnrolled: () => void }) {
  const [started, setStarted] = useState<TotpBody | null>(null);
  const [enrolmentCode, setEnrolmentCode] = useState('');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const start = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await call('post', '/api/v1/me/totp', { body: { email: props.email, password: props.password, enrolment_code: enrolmentCode.trim() } });
    if (res.ok) setStarted(res.value);
    else setProblem(res.error);
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await call('post', '/api/v1/me/totp', { body: { email: props.email, password: props.password, enrolment_code: enrolmentCode.trim(), code: code.replace(/\s/g, '') } });
    if (!res.ok) return setProblem(res.error);
    if (res.value.enabled) props.onEnrolled();
  };
  return (
    <div className="card enrol">
      {problem === null ? null : <ProblemBox problem={problem} />}
      {started === null ? (
        <form onSubmit={(e) => void start(e)}>
          <p>Ask your organization&apos;s administrator for an enrolment code. They make one for you under Settings, People; it works once, for 24 hours.</p>
          <label>
            Enrolment code
            <input name="enrolment-code" autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={20} value={enrolmentCode} onChange={(e) => setEnrolmentCode(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={enrolmentCode.trim() === ''}>
            Set up an authenticator app
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void confirm(e)}>
          {started.otpauth_uri === undefined ? null : <TotpQrCode uri={started.otpauth_uri} />}
          <p>Or, in your authenticator app, choose “enter a setup key” and type this secret:</p>
          <p className="secret mono" data-testid="totp-secret">{started.secret === undefined ? '—' : groupSecret(started.secret)}</p>
          <details>
            <summary>Or use the setup link (otpauth URI)</summary>
            <p className="mono small">{started.otpauth_uri ?? ''}</p>
          </details>
          <label>
            6-digit code the app shows now
            <input name="enrol-code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={code.replace(/\D/g, '').length !== 6}>
            Confirm
          </button>
        </form>
      )}
    </div>
  );
}
