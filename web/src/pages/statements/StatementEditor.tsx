import { useEffect, useState, type FormEvent } from 'react';
import { call, type ApiProblem } from '../../api.ts';
import { RadioChoices, TextAreaField, TextField } from '../../components/Fields.tsx';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { TlpBadge } from '../../components/TlpBadge.tsx';
import { navigate, Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { draftProblems, STATEMENT_TLP, type StatementTlp } from '../../statements.ts';
import { useRoute } from '../../use-api.ts';

interface Draft {
  readonly title: string;
  readonly text: string;
  readonly cosigners: readonly string[];
  readonly tlp: StatementTlp;
}

const EMPTY: Draft = { title: '', text: '', cosigners: [], tlp: 'clear' };

/**
 * Drafting a joint statement (or changing a draft, `id` given): the title, the exact text, the
 * organizations asked to sign it, and who may read it once published. A change clears every approval.
 */
export function StatementEditor(props: { readonly id?: string }) {
  const { me } = useSession();
  const editing = props.id;
  const existing = useRoute('/api/v1/statements/{id}', { params: { id: editing ?? '' }, skip: editing === undefined });
  const orgs = useRoute('/api/v1/orgs');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [find, setFind] = useState('');
  const [issues, setIssues] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (existing.state !== 'ready' || me === null) return;
    const s = existing.value;
    setDraft({ title: s.title, text: s.text, tlp: s.tlp, cosigners: s.signers.map((x) => x.org_id).filter((o) => o !== me.orgId) });
  }, [existing, me]);
  if (me === null) return null;
  if (editing !== undefined && existing.state === 'loading') return <Loading what="the statement" />;
  if (editing !== undefined && existing.state === 'error') return <ProblemBox problem={existing.problem} />;
  const approvalsGiven = existing.state === 'ready' ? existing.value.signers.filter((s) => s.approved).length : 0;
  const directory = orgs.state === 'ready' ? orgs.value : [];
  const nameOf = (id: string) => directory.find((o) => o.id === id)?.name ?? id;
  const words = find.trim().toLocaleLowerCase('en-US');
  const matches = words === '' ? [] : directory.filter((o) => o.id !== me.orgId && !draft.cosigners.includes(o.id) && o.name.toLocaleLowerCase('en-US').includes(words)).slice(0, 8);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const found = draftProblems(draft);
    setIssues(found);
    if (found.length > 0) return;
    setBusy(true);
    const body = { title: draft.title.trim(), text: draft.text.trim(), cosigners: [...draft.cosigners], tlp: draft.tlp };
    const res = editing === undefined ? await call('post', '/api/v1/statements', { body }) : await call('put', '/api/v1/statements/{id}', { params: { id: editing }, body });
    setBusy(false);
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    navigate(`/statements/${encodeURIComponent(res.value.id)}?saved=${editing === undefined ? 'new' : 'changed'}`);
  };

  return (
    <div className="statement-editor">
      <div className="page-head">
        <div>
          <h1>{editing === undefined ? 'Draft a joint statement' : 'Change the statement'}</h1>
          <p className="muted">
            {editing === undefined
              ? 'Write the statement and choose the organizations that will sign it with yours. Each of them, and your organization, must approve the exact text before you can publish it.'
              : 'You may change the words, the signers and who may read it until it is published.'}
          </p>
        </div>
        <Link to={editing === undefined ? '/statements' : `/statements/${encodeURIComponent(editing)}`}>Back without saving</Link>
      </div>
      {editing === undefined ? null : (
        <div className="notice" role="note" data-testid="reset-warning">
          <strong>Saving a change clears every approval.</strong>{' '}
          {approvalsGiven === 0 ? 'No organization has approved this text yet.' : `${approvalsGiven} organization${approvalsGiven === 1 ? ' has' : 's have'} approved the current text.`} After you save, every
          organization, yours included, must read the new text and approve it again.
        </div>
      )}
      <div aria-live="polite">
        {problem === null ? null : <ProblemBox problem={problem} />}
        {issues.length === 0 ? null : (
          <div className="error" role="alert">
            <p>Please fix:</p>
            <ul>
              {issues.map((i) => (
                <li key={i}>{i}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <form className="card" onSubmit={(e) => void save(e)} noValidate>
        <TextField label="Title" name="title" value={draft.title} maxLength={300} placeholder="e.g. Joint statement on the election" onChange={(title) => set({ title })} />
        <TextAreaField label="The statement, exactly as it will be published" name="text" value={draft.text} rows={10} maxLength={20000} onChange={(text) => set({ text })} />
        <fieldset>
          <legend>Who signs it</legend>
          <p className="small muted">Your organization, {me.orgName}, signs it first. Add the organizations you ask to sign it with you.</p>
          <ul className="cosigners">
            {draft.cosigners.map((id) => (
              <li key={id}>
                <span>{nameOf(id)}</span>
                <button type="button" className="link-button" aria-label={`Remove ${nameOf(id)}`} onClick={() => set({ cosigners: draft.cosigners.filter((c) => c !== id) })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <TextField label="Find an organization to add" type="search" name="find-org" value={find} placeholder="Type part of its name, e.g. Illinois" onChange={setFind} />
          {orgs.state === 'error' ? <ProblemBox problem={orgs.problem} /> : null}
          {words !== '' && matches.length === 0 && orgs.state === 'ready' ? <p className="small muted">No other member organization has that in its name.</p> : null}
          <ul className="org-matches">
            {matches.map((o) => (
              <li key={o.id}>
                <button
                  type="button"
                  onClick={() => {
                    set({ cosigners: [...draft.cosigners, o.id] });
                    setFind('');
                  }}
                >
                  Add {o.name}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        <RadioChoices
          legend="Who may read it once published"
          name="tlp"
          value={draft.tlp}
          choiceClass="statement-tlp"
          choices={STATEMENT_TLP.map((t) => ({
            value: t.tlp,
            label: (
              <span>
                <strong>{t.label}</strong> <TlpBadge tlp={t.tlp} />
                <br />
                <span className="small muted">{t.help}</span>
              </span>
            ),
          }))}
          onChange={(tlp) => set({ tlp })}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {editing === undefined ? 'Save the draft and ask for approval' : 'Save the change and ask everyone to approve again'}
          </button>
        </div>
      </form>
    </div>
  );
}
