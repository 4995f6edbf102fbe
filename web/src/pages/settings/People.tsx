import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../../api.ts';
import { LoadedTable } from '../../components/DataTable.tsx';
import { ProblemBox } from '../../components/Status.tsx';
import { fieldErrors } from '../../sharing-words.ts';
import { useRouteReload } from './reload.ts';

type Person = ApiResponse<'/api/v1/org/users'>[number];

const ROLE_WORDS = { viewer: 'Viewer (reads)', analyst: 'Analyst (reads and publishes)', 'org-admin': 'Org-admin (also manages people, keys, sharing)' } as const;
type AddableRole = keyof typeof ROLE_WORDS;
const ROLE_NAMES: Readonly<Record<Person['role'], string>> = { viewer: 'Viewer', analyst: 'Analyst', 'org-admin': 'Org-admin', 'hub-admin': 'Hub-admin' };

/** The people of my organization: add with an initial password, disable at once. */
export function People(props: { readonly meId: string }) {
  const [people, reload] = useRouteReload('/api/v1/org/users');
  const [form, setForm] = useState({ email: '', name: '', role: 'analyst' as AddableRole, password: '' });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await call('post', '/api/v1/org/users', { body: form });
    if (!res.ok) return setProblem(res.error);
    setAdded(`${res.value.name} can now sign in as ${res.value.email}; give them the password in person or by phone.`);
    setForm({ email: '', name: '', role: 'analyst', password: '' });
    reload();
  };
  const [resetFor, setResetFor] = useState<Person | null>(null);
  const [resetPassword, setResetPassword] = useState('');
  const reset = async (e: FormEvent) => {
    e.preventDefault();
    if (resetFor === null) return;
    setProblem(null);
    const res = await call('post', '/api/v1/org/users/{id}/password', { params: { id: resetFor.id }, body: { password: resetPassword } });
    if (!res.ok) return setProblem(res.error);
    setAdded(`${resetFor.name} has a new password and was signed out everywhere; give it to them in person or by phone.`);
    setResetFor(null);
    setResetPassword('');
  };
  const [issued, setIssued] = useState<{ readonly name: string; readonly email: string; readonly code: string; readonly expires: string } | null>(null);
  const issueCode = async (p: Person) => {
    setProblem(null);
    const res = await call('post', '/api/v1/org/users/{id}/enrolment-code', { params: { id: p.id } });
    if (!res.ok) return setProblem(res.error);
    setIssued({ name: p.name, email: p.email, code: res.value.code, expires: new Date(res.value.expires_at).toLocaleString() });
  };
  const disable = async (p: Person) => {
    if (!window.confirm(`Disable ${p.name}? Their sessions and API keys stop working at once.`)) return;
    const res = await call('post', '/api/v1/org/users/{id}/disable', { params: { id: p.id } });
    if (!res.ok) setProblem(res.error);
    reload();
  };
  const err = (field: string) =>
    problem === null ? null : fieldErrors(problem.errors, field).map((m) => <span key={m} className="field-error">{m}</span>);
  return (
    <section className="card" id="people">
      <h2>People</h2>
      <LoadedTable
        what="people"
        rows={people}
        className="wide-first people-table"
        rowKey={(p) => p.id}
        columns={[
          { header: 'Name', cell: (p) => p.name },
          { header: 'Email', cell: (p) => p.email, className: 'small' },
          { header: 'Role', cell: (p) => ROLE_NAMES[p.role] },
          { header: 'Authenticator', cell: (p) => (p.totp_enabled ? 'yes' : 'no') },
          {
            header: 'Status',
            cell: (p) =>
              p.disabled ? (
                <span className="pill">disabled</span>
              ) : p.id === props.meId ? (
                <span className="muted small">you</span>
              ) : (
                <span className="row-actions">
                  {p.totp_enabled ? null : (
                    <button type="button" onClick={() => void issueCode(p)} aria-label={`Make an enrolment code for ${p.name}`}>
                      Enrolment code
                    </button>
                  )}
                  <button type="button" onClick={() => setResetFor(p)} aria-label={`Reset the password of ${p.name}`}>
                    Reset password
                  </button>
                  <button type="button" onClick={() => void disable(p)} aria-label={`Disable ${p.name}`}>
                    Disable
                  </button>
                </span>
              ),
          },
        ]}
      />
      {issued === null ? null : (
        <div className="notice enrolment-code" role="status">
          <p>
            Enrolment code for {issued.name} ({issued.email}): <strong className="mono" data-testid="enrolment-code">{issued.code}</strong>
          </p>
          <p className="small">
            Give it to them in person or by phone, not by email. With it and their password they set up an authenticator app on the sign-in page. It works once, until {issued.expires}, and
            is shown only now; a new code replaces it.
          </p>
          <button type="button" onClick={() => setIssued(null)}>
            Done
          </button>
        </div>
      )}
      {resetFor === null ? null : (
        <form className="inline-form wrap reset-password" onSubmit={(e) => void reset(e)}>
          <label>
            New password for {resetFor.name} (at least 12 characters)
            <input name="reset-password" type="password" autoComplete="new-password" value={resetPassword} onChange={(e) => setResetPassword(e.target.value)} autoFocus />
            {err('password')}
          </label>
          <button type="submit" className="primary" disabled={resetPassword.length < 12}>
            Set password
          </button>
          <button type="button" onClick={() => setResetFor(null)}>
            Cancel
          </button>
        </form>
      )}
      <h3>Add a person</h3>
      {added === null ? null : (
        <div className="success" role="status">
          {added}
        </div>
      )}
      {problem === null ? null : <ProblemBox problem={problem} />}
      <form className="inline-form wrap" onSubmit={(e) => void add(e)}>
        <label>
          Full name
          <input name="person-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          {err('name')}
        </label>
        <label>
          Work email
          <input name="person-email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          {err('email')}
        </label>
        <label>
          Role
          <select name="person-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as AddableRole })}>
            {(Object.keys(ROLE_WORDS) as AddableRole[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial password (at least 12 characters)
          <input name="person-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          {err('password')}
        </label>
        <button type="submit" className="primary" disabled={form.email === '' || form.name === '' || form.password === ''}>
          Add person
        </button>
      </form>
    </section>
  );
}
