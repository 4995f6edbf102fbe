import { useState, type FormEvent } from 'react';
import { getCsrfToken, query, type ApiProblem, type ApiResponse } from '../api.ts';
import { ProblemBox } from '../components/Status.tsx';
import { problemPlace, uploadProblemWords, uploadRefusal, type UploadRefusal } from '../problem-words.ts';
import { count } from '../format.ts';
import { Link } from '../router.tsx';
import { formatBytes, uploadBundle } from '../upload.ts';

type ImportSummary = ApiResponse<'/api/v1/import', 'post'>;

const TLP_CHOICES: readonly (readonly [string, string])[] = [
  ['', 'As each object is marked (TLP:GREEN for unmarked ones)'],
  ['clear', 'TLP:CLEAR'],
  ['green', 'TLP:GREEN'],
  ['amber', 'TLP:AMBER'],
  ['amber+strict', 'TLP:AMBER+STRICT'],
  ['red', 'TLP:RED'],
];

/** Where an upload stands: sending bytes (the share sent), then the hub storing them (the share of the file stored, once it says). */
type Stage = { readonly kind: 'idle' } | { readonly kind: 'sending'; readonly percent: number } | { readonly kind: 'storing'; readonly percent: number | null };

/** Upload a STIX 2.1 bundle (or TAXII envelope) from a file, with a progress bar, and see what was stored. */
export function UploadBundle() {
  const [file, setFile] = useState<File | null>(null);
  const [tlp, setTlp] = useState('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [result, setResult] = useState<ImportSummary | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const send = async (skip: boolean) => {
    if (file === null) return;
    setProblem(null);
    setResult(null);
    setStage({ kind: 'sending', percent: 0 });
    const path = `/api/v1/import${query({ tlp, skip_invalid: skip ? 'true' : '' })}`;
    // The bar follows the bytes as the browser sends them, then the share of the file the hub has stored.
    const res = await uploadBundle<ImportSummary>(
      path,
      file,
      getCsrfToken(),
      (percent) => setStage((s) => (s.kind === 'storing' ? s : percent >= 100 ? { kind: 'storing', percent: null } : { kind: 'sending', percent })),
      (percent) => setStage({ kind: 'storing', percent }),
    );
    setStage({ kind: 'idle' });
    if (res.ok) setResult(res.value);
    else setProblem(uploadProblemWords(res.error, 'Store the valid items even if some are refused'));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(skipInvalid);
  };
  const refusal = problem === null ? null : uploadRefusal(problem);

  const busy = stage.kind !== 'idle';
  return (
    <div className="upload-bundle">
      <p className="crumbs">
        <Link to="/intel">← Intelligence</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>Upload a bundle</h1>
          <p className="muted">Share many items at once from a STIX 2.1 bundle file. Each item is shared as it is marked, or with the TLP you choose below, with your organization&apos;s usual audience for that TLP.</p>
        </div>
      </div>
      <form className="card" onSubmit={submit}>
        <label>
          Bundle file (.json)
          <input type="file" name="bundle" accept=".json,application/json,application/stix+json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        {file === null ? null : <p className="muted small">{`${file.name}, ${formatBytes(file.size)}`}</p>}
        <label>
          TLP for items without a marking
          <select name="tlp" value={tlp} onChange={(e) => setTlp(e.target.value)}>
            {TLP_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="choice">
          <input type="checkbox" name="skip_invalid" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
          Store the valid items even if some are refused (otherwise one refused item means nothing is stored)
        </label>
        {busy ? (
          <div className="progress-wrap" role="status">
            {stage.kind === 'sending' ? (
              <>
                <progress max={100} value={stage.percent} aria-label="Upload progress" />
                <span className="small">{`${stage.percent}% sent`}</span>
              </>
            ) : (
              <>
                {stage.percent === null ? <progress aria-label="Storing the items" /> : <progress max={100} value={stage.percent} aria-label="Storing the items" />}
                <span className="small">{stage.percent === null ? 'All sent; the hub is storing the items…' : `All sent; ${stage.percent}% stored`}</span>
              </>
            )}
          </div>
        ) : null}
        <div className="actions compact">
          <button type="submit" className="primary" disabled={file === null || busy}>
            {busy ? 'Uploading…' : 'Upload this bundle'}
          </button>
        </div>
      </form>
      {problem === null ? null : refusal === null ? (
        <ProblemBox problem={problem} />
      ) : (
        <RefusedItems
          refusal={refusal}
          problem={problem}
          busy={busy}
          onStoreOthers={() => {
            setSkipInvalid(true);
            void send(true);
          }}
        />
      )}
      <div aria-live="polite">
        {result === null ? null : (
          <section className="card upload-result">
            <h2>{result.stored ? `${count(result.objects)} item${result.objects === 1 ? '' : 's'} read` : 'Nothing stored'}</h2>
            <ul className="upload-counts">
              <li>{`${count(result.added)} added`}</li>
              <li>{`${count(result.newVersions)} updated`}</li>
              <li>{`${count(result.unchanged)} already here`}</li>
              <li>{`${count(result.rejected)} refused`}</li>
            </ul>
            {result.rejections.length === 0 ? null : (
              <details>
                <summary>Why items were refused</summary>
                <ul className="small">
                  {result.rejections.slice(0, 50).map((r, i) => (
                    <li key={`${r.id ?? ''}-${i}`}>{`${r.id ?? r.path ?? 'item'}: ${r.message}`}</li>
                  ))}
                </ul>
              </details>
            )}
            <p>
              <Link to="/intel">See what is shared with you</Link>
            </p>
          </section>
        )}
      </div>
    </div>
  );
}

/** An upload refused item by item: why, in words, and the way forward (store the others without them, or nothing more to do). */
function RefusedItems(props: { readonly refusal: UploadRefusal; readonly problem: ApiProblem; readonly busy: boolean; readonly onStoreOthers: () => void }) {
  const { refused, total, others, reasons } = props.refusal;
  return (
    <section className="card upload-refusal" role="alert">
      <h2>Nothing was stored</h2>
      <p>{total === null ? `${count(refused)} item${refused === 1 ? '' : 's'} cannot be stored:` : `${count(refused)} of the ${count(total)} items in this file cannot be stored:`}</p>
      <ul>
        {reasons.map((r) => (
          <li key={r}>{`${r}.`}</li>
        ))}
      </ul>
      {others === 0 ? (
        <p>Nothing else in this file can be stored, so there is nothing more to do with it.</p>
      ) : (
        <>
          <p>You can store the other {others === null ? 'items' : `${count(others)} item${others === 1 ? '' : 's'}`} and leave these out.</p>
          <div className="actions compact">
            <button type="button" className="primary" disabled={props.busy} onClick={props.onStoreOthers}>
              {others === null ? 'Store the others without these' : `Store the other ${count(others)} item${others === 1 ? '' : 's'}`}
            </button>
          </div>
        </>
      )}
      <details>
        <summary>Each item refused</summary>
        <ul className="small">
          {props.problem.errors.slice(0, 50).map((e, i) => {
            const place = problemPlace(e.path);
            return <li key={i}>{place === null ? e.message : `${place}: ${e.message}`}</li>;
          })}
        </ul>
      </details>
    </section>
  );
}
