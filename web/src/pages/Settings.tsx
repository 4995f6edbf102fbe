import { useState } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { useOrgNames } from '../components/SharingPanel.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useRoute } from '../use-api.ts';
import { ApiKeys } from './settings/ApiKeys.tsx';
import { Audit } from './settings/Audit.tsx';
import { Defaults } from './settings/Defaults.tsx';
import { Groups } from './settings/Groups.tsx';
import { MyPassword } from './settings/MyPassword.tsx';
import { OrgKeys } from './settings/OrgKeys.tsx';
import { People } from './settings/People.tsx';

type OrgBody = ApiResponse<'/api/v1/orgs'>[number];

/**
 * Settings: my API keys and authenticator for everyone; people, sharing defaults, groups, sign-in
 * rules and the audit trail for org-admins (the server says who is one: /org/users answers 403 otherwise).
 */
export function Settings() {
  const { me } = useSession();
  const people = useRoute('/api/v1/org/users');
  const orgs = useRoute('/api/v1/orgs');
  const orgNames = useOrgNames();
  const [keysVersion, setKeysVersion] = useState(0);
  if (me === null) return <Loading what="settings" />;
  const admin = people.state === 'ready';
  return (
    <div className="settings">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="muted">{me.orgName}</p>
        </div>
      </div>
      <nav className="section-nav" aria-label="Settings sections">
        <a href="#password">My password</a>
        <a href="#api-keys">API keys</a>
        <Link to="/settings/totp">Authenticator app</Link>
        <Link to="/settings/alerts">Alerts and email</Link>
        <Link to="/import/misp">Import MISP events</Link>
        {admin ? (
          <>
            <a href="#people">People</a>
            <a href="#org-keys">Organization keys</a>
            <a href="#sign-in">Sign-in rules</a>
            <a href="#sharing-defaults">Sharing defaults</a>
            <a href="#groups">Sharing groups</a>
            <a href="#audit">Audit trail</a>
            <Link to="/feeds">Federation feeds</Link>
          </>
        ) : null}
      </nav>
      <MyPassword />
      <ApiKeys onChange={() => setKeysVersion((v) => v + 1)} />
      {people.state === 'loading' ? <Loading what="organization settings" /> : null}
      {people.state === 'error' ? (
        <p className="muted">
          {people.problem.status === 403 ? 'Only org-admins manage the organization’s people, defaults, groups and sign-in rules.' : people.problem.detail}
        </p>
      ) : null}
      {admin ? (
        <>
          <People meId={me.userId} />
          <OrgKeys version={keysVersion} />
          {orgs.state === 'ready' ? <RequireTotp org={orgs.value.find((o) => o.id === me.orgId) ?? null} /> : null}
          <Defaults me={me} orgNames={orgNames} />
          <Groups myOrg={me.orgId} myOrgName={me.orgName} orgs={orgs.state === 'ready' ? orgs.value : []} />
          <Audit people={new Map(people.value.map((p) => [p.id, p.name] as const))} />
        </>
      ) : null}
    </div>
  );
}

function RequireTotp(props: { readonly org: OrgBody | null }) {
  const [on, setOn] = useState(props.org?.require_totp ?? false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const change = async (value: boolean) => {
    const warning =
      'Turning this on signs out everyone in your organization who has not set up an authenticator app, and cancels every API key of your organization: scripts and other hubs that use them stop until new keys are made. Continue?';
    if (value && !window.confirm(warning)) return;
    setProblem(null);
    setSaved(false);
    setOn(value);
    const res = await call('put', '/api/v1/org/settings', { body: { require_totp: value } });
    if (!res.ok) {
      setOn(!value);
      return setProblem(res.error);
    }
    setOn(res.value.require_totp);
    setSaved(true);
  };
  return (
    <section className="card" id="sign-in">
      <h2>Sign-in rules</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <label className="choice">
        <input type="checkbox" name="require-totp" checked={on} onChange={(e) => void change(e.target.checked)} />
        Everyone in my organization must sign in with a code from an authenticator app
      </label>
      <p className="muted small">
        People without an authenticator set one up at their next sign-in. Turning this on cancels the API keys made before; people make new ones after signing in with their code.{' '}
        {saved ? <span role="status">Saved.</span> : null}
      </p>
    </section>
  );
}
