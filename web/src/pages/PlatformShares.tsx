import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { formatWhen } from '../format.ts';
import { SelectField, TextAreaField, TextField } from '../components/Fields.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { useRoute } from '../use-api.ts';
import { platformShareWhy, reportIdOf } from '../platform-words.ts';
import { SubmitButton } from '../components/SubmitButton.tsx';

type Share = ApiResponse<'/api/v1/platform-shares'>['items'][number];
const OUTCOMES: readonly { readonly value: 'no-action' | 'labelled' | 'reduced-reach' | 'removed-under-platform-rules' | 'under-review' | 'other'; readonly label: string }[] = [
  { value: 'no-action', label: 'No action' },
  { value: 'labelled', label: 'Label or context added' },
  { value: 'reduced-reach', label: 'Shown to fewer people' },
  { value: 'removed-under-platform-rules', label: 'Removed under the platform’s own rules' },
  { value: 'under-review', label: 'Still under review' },
  { value: 'other', label: 'Other' },
];

/**
 * Reports shared with social-media platforms: an official records one (the report, the post's address, why),
 * the platform (or the official) records its response. Everything here is published in the transparency log.
 */
export function PlatformShares() {
  const [version, setVersion] = useState(0);
  const shares = useRoute('/api/v1/platform-shares', { version });
  const platforms = useRoute('/api/v1/platform-shares/platforms');
  const now = new Date();
  return (
    <div className="transparency-page">
      <div className="page-head">
        <div>
          <h1>Platform sharing</h1>
          <p className="lead">
            Record when you tell a social-media platform about a post, and what the platform did. Each record is published in the{' '}
            <a href="/transparency">transparency log</a> for anyone to read. Rampart never asks a platform to remove anything: the platform decides under its own
            rules.
          </p>
        </div>
      </div>
      <RecordShare platforms={platforms.state === 'ready' ? platforms.value.items : []} onDone={() => setVersion((v) => v + 1)} />
      {shares.state === 'loading' ? <Loading what="shares" /> : null}
      {shares.state === 'error' ? <ProblemBox problem={shares.problem} /> : null}
      {shares.state === 'ready' && shares.value.items.length === 0 ? <p className="card muted">Nothing recorded yet.</p> : null}
      {shares.state === 'ready'
        ? shares.value.items.map((s) => (
            <article key={s.id} className="card" data-testid="platform-share">
              <h2 className="small-heading">
                {s.shared_by.name ?? s.shared_by.org_id} → {s.platform.name ?? s.platform.org_id}
              </h2>
              <p>
                <a href={s.url} rel="noopener noreferrer nofollow">
                  {s.url}
                </a>
              </p>
              <p>{s.reason}</p>
              <p className="muted small">
                Shared {formatWhen(s.shared_at, now)} · report <code>{s.object_id}</code>
                {s.object_public ? ' (public)' : ' (not named in the public log)'} · log entry #{s.log_seq}
              </p>
              {s.response === null ? <p className="muted">No response recorded yet.</p> : <p>Response: {OUTCOMES.find((o) => o.value === s.response?.outcome)?.label ?? s.response.outcome}. {s.response.text}</p>}
              <RecordResponse share={s} onDone={() => setVersion((v) => v + 1)} />
            </article>
          ))
        : null}
    </div>
  );
}

function RecordShare(props: { readonly platforms: readonly { readonly id: string; readonly name: string }[]; readonly onDone: () => void }) {
  const [objectId, setObjectId] = useState('');
  const [platform, setPlatform] = useState('');
  const [url, setUrl] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const res = await call('post', '/api/v1/platform-shares', { body: { object_id: reportIdOf(objectId), platform, url: url.trim(), reason: reason.trim() } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    setObjectId('');
    setUrl('');
    setReason('');
    props.onDone();
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)}>
      <h2>Record a report you shared with a platform</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <SelectField label="Platform" name="platform" value={platform} empty="Choose a platform" options={props.platforms.map((p) => ({ value: p.id, label: p.name }))} onChange={setPlatform} />
      <TextField label="The report: the address of its page in Rampart, or its id (the platform must already be able to see it)" name="object_id" value={objectId} onChange={setObjectId} placeholder="https://…/intel/report--…" />
      <TextField label="Address of the post" name="url" type="url" value={url} onChange={setUrl} placeholder="https://" />
      <TextAreaField label="Why you shared it (published)" name="reason" rows={3} value={reason} onChange={setReason} />
      <p className="muted small">The platform, the address and your reason are published in the transparency log. The report itself is named there only if it is public.</p>
      <SubmitButton className="primary" why={busy ? 'Recording…' : platformShareWhy({ platform, report: objectId, url, reason })}>
        Record and publish
      </SubmitButton>
    </form>
  );
}

function RecordResponse(props: { readonly share: Share; readonly onDone: () => void }) {
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]['value']>('no-action');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const res = await call('post', '/api/v1/platform-shares/{id}/response', { params: { id: props.share.id }, body: { outcome, response: text.trim() } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    setText('');
    props.onDone();
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <SelectField label="What the platform did" value={outcome} options={OUTCOMES} onChange={(v) => setOutcome(OUTCOMES.find((o) => o.value === v)?.value ?? 'other')} />
      <TextField label="Its response, in its words (published)" value={text} onChange={setText} />
      <button type="submit" disabled={busy || text.trim() === ''}>
        {busy ? 'Recording…' : 'Record the response'}
      </button>
    </form>
  );
}
