import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { ProblemBox } from '../components/Status.tsx';
import { TotpQrCode } from '../components/TotpQrCode.tsx';
import { Link } from '../router.tsx';
import { groupSecret } from '../settings-words.ts';

type TotpBody = ApiResponse<'/api/v1/me/totp', 'post'>;

/** Set up an authenticator app for the signed-in person: a new secret (shown once), then confirm with a code. */
export function Totp() {
  const [started, setStarted] = useState<TotpBody | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [starting, setStarting] = useState(false);
  const start = async () => {
    setProblem(null);
    setStarting(true);
    const res = await call('post', '/api/v1/me/totp', { body: {} });
    setStarting(false);
    if (res.ok) setStarted(res.value);
    else setProblem(res.error);
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await call('post', '/api/v1/me/totp', { body: { code: code.replace(/\s/g, '') } });
    if (!res.ok) return setProblem(res.error);
    setDone(res.value.enabled);
  };
  return (
    <div className="totp">
      <p className="crumbs">
        <Link to="/settings">← Settings</Link>
      </p>
      <h1>Authenticator app</h1>
      <p className="muted">After this, signing in asks for a 6-digit code from an app such as Google Authenticator, Microsoft Authenticator or FreeOTP.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {done ? (
        <div className="success" role="status">
          Your authenticator is set up. Rampart will ask for a code at your next sign-in.
        </div>
      ) : started === null ? (
        <section className="card">
          <p>
            Have your phone with an authenticator app ready. If you set one up for Rampart before, that old one stops working once you confirm the new
            one.
          </p>
          <button type="button" className="primary" disabled={starting} onClick={() => void start()}>
            {starting ? 'Starting…' : 'Set up an authenticator'}
          </button>
        </section>
      ) : (
        <section className="card">
          <h2>1. Add Rampart to your app</h2>
          {started.otpauth_uri === undefined ? null : <TotpQrCode uri={started.otpauth_uri} />}
          <p>Or, in the app, choose “enter a setup key” and type this secret (it is shown only now):</p>
          <p className="secret mono" data-testid="totp-secret">
            {started.secret === undefined ? '—' : groupSecret(started.secret)}
          </p>
          <details>
            <summary>Or paste the setup link (otpauth URI)</summary>
            <p className="mono small">{started.otpauth_uri ?? ''}</p>
          </details>
          <h2>2. Confirm with a code</h2>
          <form className="inline-form" onSubmit={(e) => void confirm(e)}>
            <label>
              6-digit code from the app
              <input name="totp-code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={code} onChange={(e) => setCode(e.target.value)} />
            </label>
            <button type="submit" className="primary" disabled={code.replace(/\D/g, '').length !== 6}>
              Confirm
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
