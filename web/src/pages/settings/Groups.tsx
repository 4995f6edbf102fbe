import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResult } from '../../api.ts';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { findOrgs } from '../../settings-words.ts';
import { useRouteReload } from './reload.ts';

export interface OrgOption {
  readonly id: string;
  readonly name: string;
  readonly short_name: string | null;
}

/** Sharing groups: create one, invite organizations by name, answer invitations. */
export function Groups(props: { readonly myOrg: string; readonly myOrgName: string; readonly orgs: readonly OrgOption[] }) {
  const [groups, reload] = useRouteReload('/api/v1/groups');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const names = new Map([...props.orgs.map((o) => [o.id, o.name] as const), [props.myOrg, `${props.myOrgName} (your organization)`] as const]);
  const others = props.orgs.filter((o) => o.id !== props.myOrg);
  const act = async (request: () => Promise<ApiResult<unknown>>) => {
    setProblem(null);
    const res = await request();
    if (!res.ok) setProblem(res.error);
    reload();
    return res.ok;
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (await act(() => call('post', '/api/v1/groups', { body: { name } }))) setName('');
  };
  return (
    <section className="card" id="groups">
      <h2>Sharing groups</h2>
      <p className="muted small">A group lets several organizations share TLP:AMBER (or wider) items with each other, whatever their state.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {groups.state === 'loading' ? <Loading what="groups" /> : null}
      {groups.state === 'error' ? <ProblemBox problem={groups.problem} /> : null}
      {groups.state === 'ready' && groups.value.groups.length === 0 ? <p className="muted">Your organization is in no group yet.</p> : null}
      {groups.state === 'ready'
        ? groups.value.groups.map((g) => (
            <div key={g.id} className="group-row">
              <h3>{g.name}</h3>
              {g.status === 'invited' ? (
                <div className="notice">
                  {`${names.get(g.created_by_org) ?? 'An organization'} invites your organization. `}
                  <button type="button" className="primary" onClick={() => void act(() => call('post', '/api/v1/groups/{id}/accept', { params: { id: g.id } }))}>
                    Accept
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => call('post', '/api/v1/groups/{id}/decline', { params: { id: g.id } }))}>
                    Decline
                  </button>
                </div>
              ) : (
                <p className="small muted">{g.status === 'declined' ? 'You declined this invitation.' : 'Your organization is a member.'}</p>
              )}
              {g.members === null ? null : (
                <ul className="plain small">
                  {g.members.map((m) => (
                    <li key={m.org_id}>{`${names.get(m.org_id) ?? 'A member organization'} — ${m.status}`}</li>
                  ))}
                </ul>
              )}
              {g.created_by_org === props.myOrg ? <Invite groupId={g.id} orgs={others.filter((o) => !(g.members ?? []).some((m) => m.org_id === o.id))} onInvite={(orgId) => void act(() => call('post', '/api/v1/groups/{id}/invitations', { params: { id: g.id }, body: { org_id: orgId } }))} /> : null}
            </div>
          ))
        : null}
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label className="grow">
          New group name
          <input name="group-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. Great Lakes county clerks" />
        </label>
        <button type="submit" disabled={name.trim() === ''}>
          Create group
        </button>
      </form>
    </section>
  );
}

function Invite(props: { readonly groupId: string; readonly orgs: readonly OrgOption[]; readonly onInvite: (orgId: string) => void }) {
  const [typed, setTyped] = useState('');
  const found = findOrgs(props.orgs, typed);
  const listId = `invite-${props.groupId}`;
  return (
    <div className="invite">
      <label>
        Invite an organization (type part of its name)
        <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-controls={listId} />
      </label>
      <ul id={listId} className="plain">
        {found.map((o) => (
          <li key={o.id}>
            <button type="button" className="link" onClick={() => {
              props.onInvite(o.id);
              setTyped('');
            }}>
              {`Invite ${o.name}`}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
