import { Loading, ProblemBox } from '../../components/Status.tsx';
import { TlpBadge } from '../../components/TlpBadge.tsx';
import { formatWhen } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { approvalCount, approvalsWereReset, nextStep, sortForReader, type StatementView } from '../../statements.ts';
import { useRoute } from '../../use-api.ts';

const STEP_WORDS = {
  approve: 'Waiting for your approval',
  publish: 'Everyone approved: ready for you to publish',
  'wait-for-others': 'Waiting for other organizations',
  published: 'Published',
  none: '',
} as const;

function StatementRow(props: { readonly statement: StatementView; readonly orgId: string; readonly now: Date }) {
  const s = props.statement;
  const step = nextStep(s, props.orgId);
  return (
    <li className="statement-row" data-testid="statement-row">
      <Link to={`/statements/${encodeURIComponent(s.id)}`}>{s.title}</Link>
      <span className="muted small">
        Drafted by {s.author.name ?? s.author.id} · {s.status === 'published' ? `published ${formatWhen(s.published, props.now)}` : `${approvalCount(s)} · changed ${formatWhen(s.updated, props.now)}`}
      </span>
      <span className="statement-row-tags">
        <TlpBadge tlp={s.tlp} />
        {STEP_WORDS[step] === '' ? null : <span className={`pill${step === 'approve' || step === 'publish' ? ' pill-attention' : ''}`}>{STEP_WORDS[step]}</span>}
        {approvalsWereReset(s) ? <span className="pill pill-warn">Text changed: approvals cleared</span> : null}
      </span>
    </li>
  );
}

/** Joint statements the reader's organization drafted or is asked to sign: first what waits on it. */
export function StatementList() {
  const { me } = useSession();
  const list = useRoute('/api/v1/statements');
  const now = new Date();
  if (me === null) return null;
  const sorted = list.state === 'ready' ? sortForReader(list.value.items, me.orgId) : null;
  const section = (title: string, items: readonly StatementView[], empty: string) => (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="statement-list">
          {items.map((s) => (
            <StatementRow key={s.id} statement={s} orgId={me.orgId} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <div className="statements">
      <div className="page-head">
        <div>
          <h1>Joint statements</h1>
          <p className="lead">
            Several organizations speak with one voice. One drafts the statement and names the others; each reads the exact text and approves it; when all have
            approved, the drafter publishes it, signed by every organization.
          </p>
        </div>
        <Link to="/statements/new" className="button primary">
          Draft a joint statement
        </Link>
      </div>
      {list.state === 'loading' ? <Loading what="statements" /> : null}
      {list.state === 'error' ? <ProblemBox problem={list.problem} /> : null}
      {sorted === null ? null : (
        <>
          {section('Waiting for you', sorted.waiting, 'Nothing waits for your organization.')}
          {section('Waiting for other organizations', sorted.inProgress, 'No statement is waiting for others.')}
          {section('Published', sorted.published, 'Your organization has not published or signed a statement yet.')}
        </>
      )}
    </div>
  );
}
