import { useState } from 'react';
import { call, type ApiProblem, type ApiResult } from '../../api.ts';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { TlpBadge } from '../../components/TlpBadge.tsx';
import { formatWhen } from '../../format.ts';
import { Link, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { approvalCount, approvalsWereReset, audienceInSentence, nextStep, signedCopyUrl, type StatementView } from '../../statements.ts';
import { useRoute } from '../../use-api.ts';

function signerState(s: StatementView['signers'][number], now: Date): string {
  if (s.approved) return `Approved ${formatWhen(s.approved_at, now)}`;
  if (s.earlier_approval_at !== null) return `Approved an earlier text ${formatWhen(s.earlier_approval_at, now)}; that approval was cleared by the change. Waiting for approval of the new text.`;
  return 'Waiting for approval';
}

/** A statement not readable by the public is downloaded through the signed-in API: its STIX report, as a file. */
async function downloadSigned(statement: StatementView, setProblem: (p: ApiProblem) => void): Promise<void> {
  if (statement.stix_id === null) return;
  const res = await call('get', '/api/v1/objects/{id}', { params: { id: statement.stix_id } });
  if (!res.ok) {
    setProblem(res.error);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(res.value.object, null, 2)], { type: 'application/json' }));
  link.download = `joint-statement-${statement.id}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/**
 * One joint statement: its exact text and fingerprint, each signer's approval, and what the reader's
 * organization may do now (approve, change it, publish it, download the signed copy).
 */
export function StatementDetail(props: { readonly id: string }) {
  const { me } = useSession();
  const { params } = useLocation();
  const [version, setVersion] = useState(0);
  const loaded = useRoute('/api/v1/statements/{id}', { params: { id: props.id }, version });
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = new Date();
  if (me === null) return null;
  if (loaded.state === 'loading' && version === 0) return <Loading what="the statement" />;
  if (loaded.state === 'error') {
    // A way on from a statement that cannot be shown, as the other pages of one item have.
    return (
      <div className="statement-detail">
        <ProblemBox problem={loaded.problem} />
        <p>
          <Link to="/statements">All joint statements</Link>
        </p>
      </div>
    );
  }
  if (loaded.state !== 'ready') return <Loading what="the statement" />;
  const s = loaded.value;
  const step = nextStep(s, me.orgId);
  const drafter = s.author.id === me.orgId;
  const saved = params.get('saved');
  const act = async (send: () => Promise<ApiResult<unknown>>, success: string) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    const res = await send();
    setBusy(false);
    if (res.ok) setDone(success);
    else setProblem(res.error.code === 'statement-changed' ? { ...res.error, detail: 'The text was changed while you were reading it. Read the new text below, then approve it if you agree.' } : res.error);
    setVersion((v) => v + 1);
  };
  const url = signedCopyUrl(s);

  return (
    <div className="statement-detail">
      <p>
        <Link to="/statements">All joint statements</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{s.title}</h1>
          <p className="muted">
            Drafted by {s.author.name ?? s.author.id} · {s.status === 'published' ? `published ${formatWhen(s.published, now)}` : 'not published yet'} · readable by {audienceInSentence(s.tlp)} <TlpBadge tlp={s.tlp} />
          </p>
        </div>
      </div>
      <div aria-live="polite">
        {saved === 'new' && done === null ? <p className="success">Draft saved. Each organization named below now sees it waiting for their approval.</p> : null}
        {saved === 'changed' && done === null ? <p className="success">Change saved. Every approval was cleared; each organization must approve the new text.</p> : null}
        {done === null ? null : <p className="success">{done}</p>}
        {problem === null ? null : <ProblemBox problem={problem} />}
      </div>
      {approvalsWereReset(s) ? (
        <div className="notice" role="note" data-testid="approvals-reset">
          <strong>The text was changed {formatWhen(s.updated, now)}.</strong> Approvals given before that change no longer count. Each organization must read the text
          below and approve it again.
        </div>
      ) : null}
      <section className="card" aria-label="The exact text">
        <h2>{s.status === 'published' ? 'The statement' : 'The exact text to approve'}</h2>
        <h3 className="statement-title">{s.title}</h3>
        <div className="statement-text" data-testid="statement-text">
          {s.text}
        </div>
        <p className="small muted fingerprint">
          Fingerprint of this exact title, text and list of signers: <code data-testid="content-hash">{s.content_hash}</code>
          <br />
          An approval counts for this fingerprint only. If any word or signer changes, the fingerprint changes and every approval is cleared.
        </p>
      </section>
      <section className="card" aria-label="Signers">
        <h2>Signers</h2>
        <p className="muted small">{s.status === 'published' ? `Signed by all ${s.signers.length} organizations.` : approvalCount(s)}</p>
        <ul className="signer-list">
          {s.signers.map((x) => (
            <li key={x.org_id} className={x.approved || s.status === 'published' ? 'signer approved' : 'signer waiting'} data-testid="signer">
              <span className="signer-mark" aria-hidden="true">
                {x.approved || s.status === 'published' ? '✓' : '…'}
              </span>
              <span>
                <strong>{x.name ?? x.org_id}</strong>
                {x.org_id === s.author.id ? <span className="muted small"> (drafted it)</span> : null}
                <br />
                <span className="small">{s.status === 'published' ? 'Signed' : signerState(x, now)}</span>
              </span>
            </li>
          ))}
        </ul>
      </section>
      {step === 'approve' ? (
        <section className="card approve-box" aria-label="Your approval">
          <h2>Your approval</h2>
          <p>
            Approve only if {me.orgName} agrees with every word above. Your approval is for this exact text (fingerprint <code>{s.content_hash.slice(0, 12)}…</code>); if it
            changes, you will be asked again.
          </p>
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void act(() => call('post', '/api/v1/statements/{id}/approve', { params: { id: s.id }, body: { content_hash: s.content_hash } }), `Approved for ${me.orgName}.`)}>
              Approve this exact text
            </button>
          </div>
        </section>
      ) : null}
      {drafter && s.status === 'draft' ? (
        <section className="card" aria-label="Publish">
          <h2>Publish</h2>
          {step === 'publish' ? (
            <p>
              Every organization approved this text. Publishing signs it with each organization&apos;s key and the hub&apos;s, and makes it readable by{' '}
              <strong>{audienceInSentence(s.tlp)}</strong>. A published statement never changes.
            </p>
          ) : (
            <p className="muted">You can publish once every organization has approved this text ({approvalCount(s)}).</p>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={busy || step !== 'publish'} onClick={() => void act(() => call('post', '/api/v1/statements/{id}/publish', { params: { id: s.id } }), 'Published. It is signed by every organization below.')}>
              Publish the statement
            </button>
            <Link to={`/statements/${encodeURIComponent(s.id)}/edit`} className="button">
              Change the text or signers
            </Link>
          </div>
        </section>
      ) : null}
      {s.status === 'published' && url !== null ? (
        <section className="card" aria-label="Signed copy">
          <h2>Signed copy</h2>
          <p>Anyone can check that these organizations signed exactly these words, without trusting this website: download the signed copy and the hub&apos;s public keys, then run</p>
          <pre className="snippet">{`rampart verify joint-statement-${s.id}.json --keys rampart-keys.json`}</pre>
          <div className="actions">
            {s.tlp === 'clear' ? (
              <a className="button primary" href={url} download={`joint-statement-${s.id}.json`}>
                Download the signed copy
              </a>
            ) : (
              <button type="button" className="primary" onClick={() => void downloadSigned(s, setProblem)}>
                Download the signed copy
              </button>
            )}
            <a className="button" href="/.well-known/rampart-keys.json" download="rampart-keys.json">
              Download the public keys
            </a>
            {s.tlp === 'clear' ? <Link to="/rumour-control">See it on the public page</Link> : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
