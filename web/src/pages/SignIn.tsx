import { useState, type FormEvent } from 'react';
import { call, setCsrfToken, type ApiProblem } from '../api.ts';
import { TotpEnrolAtSignIn } from '../components/TotpEnrolAtSignIn.tsx';
import { alreadySignedIn, describeSignInProblem, signInWhy } from '../sign-in-messages.ts';
import { Link, navigate } from '../router.tsx';
import { SubmitButton } from '../components/SubmitButton.tsx';
import { useSession } from '../session.tsx';

export function SignIn(props: { readonly next: string; readonly passwordChanged?: boolean }) {
  const { me, refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [enrol, setEnrol] = useState(false);
  const [enrolled, setEnrolled] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const code = totp.replace(/\s/g, '');
    const body = code === '' ? { email, password } : { email, password, totp: code };
    const res = await call('post', '/api/v1/session', { body });
    setBusy(false);
    if (res.ok) {
      setCsrfToken(res.value.csrf_token ?? null);
      await refresh();
      navigate(props.next, { replace: true });
      return;
    }
    if (describeSignInProblem(res.error).needsEnrolment === true) setEnrol(true);
    setProblem(res.error);
  };

  const message = problem === null ? null : describeSignInProblem(problem, new Date());
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>
          <span className="logo-mark" aria-hidden="true" /> Rampart
        </h1>
        <p className="muted">Election security information sharing. Sign in with your work email.</p>
        {me === null ? null : (
          <div className="notice" role="status" data-testid="signed-in-already">
            {alreadySignedIn(me.displayName, me.orgName)} <Link to="/">Go to the dashboard</Link>.
          </div>
        )}
        {props.passwordChanged === true && problem === null ? (
          <div className="success" role="status">
            Your password was changed. Sign in with the new one.
          </div>
        ) : null}
        {message !== null && message.text !== '' ? (
          <div className={message.needsTotp && problem?.code.includes('required') ? 'notice' : 'error'} role="alert">
            {message.text}
          </div>
        ) : null}
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {/* Always offered: the server answers a missing code like a wrong password, so it never says which one was right. */}
        <label>
          Code from your authenticator app (leave empty if you have not set one up)
          <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={8} value={totp} onChange={(e) => setTotp(e.target.value)} />
        </label>
        {enrolled ? (
          <div className="success" role="status">
            Your authenticator is set up. Wait for the app to show a new code, enter it above and sign in.
          </div>
        ) : null}
        <SubmitButton className="primary" why={busy ? 'Signing in…' : signInWhy(email, password)}>
          Sign in
        </SubmitButton>
        <p className="muted small">Forgot your password? Ask an org-admin of your organization to set a new one.</p>
        <p className="muted small">
          Looking for official corrections of election rumours? <a href="/rumour-control">See rumour control</a> — no sign-in needed.
        </p>
      </form>
      {enrol && !enrolled ? (
        <TotpEnrolAtSignIn
          email={email}
          password={password}
          onEnrolled={() => {
            setEnrolled(true);
            setEnrol(false);
            setProblem(null);
            setTotp('');
          }}
        />
      ) : null}
    </main>
  );
}
