import { useState, type FormEvent } from 'react';
import { call, type ApiProblem } from '../../api.ts';
import { ProblemBox } from '../../components/Status.tsx';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { passwordIssue } from '../../settings-words.ts';

/** Change my own password (POST /api/v1/me/password); every session of mine ends, so sign in again. */
export function MyPassword() {
  const { refresh } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const issue = tried ? passwordIssue(next, repeated) : null;
  const change = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setProblem(null);
    if (current === '' || passwordIssue(next, repeated) !== null) return;
    setBusy(true);
    const res = await call('post', '/api/v1/me/password', { body: { current_password: current, new_password: next } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    // The server ended this session too: go to sign-in first, so the page does not bounce through a sign-in redirect.
    navigate('/signin?changed=password', { replace: true });
    await refresh();
  };
  return (
    <section className="card" id="password">
      <h2>My password</h2>
      <p className="muted small">After a change you sign in again, here and on every other device.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <form className="inline-form wrap" onSubmit={(e) => void change(e)} noValidate>
        <label className={tried && current === '' ? 'invalid' : ''}>
          Current password
          <input name="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          {tried && current === '' ? <span className="field-error">Type the password you signed in with.</span> : null}
        </label>
        <label className={issue === null ? '' : 'invalid'}>
          New password (at least 12 characters)
          <input name="new-password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-invalid={issue !== null} />
        </label>
        <label className={issue === null ? '' : 'invalid'}>
          New password again
          <input name="new-password-again" type="password" autoComplete="new-password" value={repeated} onChange={(e) => setRepeated(e.target.value)} aria-invalid={issue !== null} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
      {issue === null ? null : (
        <p className="field-error" role="alert">
          {issue}
        </p>
      )}
    </section>
  );
}
