import { useState } from 'react';
import { getCsrfToken, query, type ApiProblem, type ApiResponse } from '../api.ts';
import { SelectField } from '../components/Fields.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { UploadForm, useUpload } from '../components/UploadForm.tsx';
import { fileProblemWords, problemPlace, uploadProblemWords, uploadRefusal, type UploadRefusal } from '../problem-words.ts';
import { count } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { audienceChoices } from '../sharing-rules.ts';
import { uploadBundle } from '../upload.ts';

type ImportSummary = ApiResponse<'/api/v1/import', 'post'>;

const TLP_CHOICES: readonly (readonly [string, string])[] = [
  ['', 'As each object is marked (TLP:GREEN for unmarked ones)'],
  ['clear', 'TLP:CLEAR'],
  ['green', 'TLP:GREEN'],
  ['amber', 'TLP:AMBER'],
  ['amber+strict', 'TLP:AMBER+STRICT'],
  ['red', 'TLP:RED'],
];

/** Upload a STIX 2.1 bundle (or TAXII envelope) from a file, with a progress bar, and see what was stored. */
export function UploadBundle() {
  const upload = useUpload();
  const { me } = useSession();
  const [tlp, setTlp] = useState('');
  const [audience, setAudience] = useState('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [result, setResult] = useState<ImportSummary | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const send = async (skip: boolean) => {
    if (upload.file === null) return;
    setProblem(null);
    setResult(null);
    const path = `/api/v1/import${query({ tlp, audience, skip_invalid: skip ? 'true' : '' })}`;
    // The bar follows the bytes as the browser sends them, then the share of the file the hub has stored.
    const res = await upload.run((file, progress) => uploadBundle<ImportSummary>(path, file, getCsrfToken(), progress.sent, progress.done));
    if (res === null) return;
    if (res.ok) setResult(res.value);
    else setProblem(fileProblemWords(uploadProblemWords(res.error, 'Store the valid items even if some are refused'), 'bundle'));
  };
  const refusal = problem === null ? null : uploadRefusal(problem);

  return (
    <div className="upload-bundle">
      <p className="crumbs">
        <Link to="/intel">← Intelligence</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>Upload a bundle</h1>
          <p className="muted">Share many items at once from a STIX 2.1 bundle file. Each item is shared as it is marked, or with the TLP you choose below, with your organization&apos;s usual audience for that TLP unless you choose who it is for.</p>
          <p className="muted small">
            A file exported from MISP? <Link to="/import/misp">Import MISP events</Link> instead.
          </p>
        </div>
      </div>
      <UploadForm
        upload={upload}
        name="bundle"
        label="Bundle file (.json)"
        accept=".json,application/json,application/stix+json"
        working={{ label: 'Storing the items', words: 'the hub is storing the items', percentWords: 'stored' }}
        submit={{ idle: 'Upload this bundle', busy: 'Uploading…' }}
        onSubmit={() => void send(skipInvalid)}
      >
        <SelectField label="TLP for items without a marking" name="tlp" value={tlp} options={TLP_CHOICES.map(([value, label]) => ({ value, label }))} onChange={setTlp} />
        <SelectField
          label="Share with (every item of the file; an item whose TLP does not allow it is refused and named)"
          name="audience"
          value={audience}
          options={[
            { value: '', label: "My organization's usual audience for each item's TLP" },
            ...(me === null ? [] : audienceChoices(me).filter((c) => c.kind !== 'user').map((c) => ({ value: c.key, label: c.label }))),
          ]}
          onChange={setAudience}
        />
        <label className="choice">
          <input type="checkbox" name="skip_invalid" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
          Store the valid items even if some are refused (otherwise one refused item means nothing is stored)
        </label>
      </UploadForm>
      {problem === null ? null : refusal === null ? (
        <ProblemBox problem={problem} />
      ) : (
        <RefusedItems
          refusal={refusal}
          problem={problem}
          busy={upload.busy}
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
