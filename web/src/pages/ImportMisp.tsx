import { useState, type FormEvent } from 'react';
import type { ApiResponse } from '../api.ts';
import { getCsrfToken, type ApiProblem } from '../api.ts';
import { ProblemBox } from '../components/Status.tsx';
import { mispNoteHeading, mispSummaryWords } from '../misp-words.ts';
import { Link } from '../router.tsx';
import { formatBytes, upload } from '../upload.ts';

/** The POST /api/v1/import/misp answer of the OpenAPI document. */
type MispImportResult = ApiResponse<'/api/v1/import/misp', 'post'>;

const DISTRIBUTIONS = [
  ['0', 'My organization only (safest)'],
  ['1', 'The Rampart community'],
] as const;

/** "Import MISP events": upload a MISP JSON file; its items are shared as its distribution and TLP tags say, never wider. */
export function ImportMisp() {
  const [file, setFile] = useState<File | null>(null);
  const [distribution, setDistribution] = useState<string>('0');
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<MispImportResult | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (file === null) return;
    setProblem(null);
    setResult(null);
    setProgress(0);
    const res = await upload<MispImportResult>(`/api/v1/import/misp?distribution=${distribution}`, file, 'application/json', getCsrfToken(), setProgress);
    setProgress(null);
    if (res.ok) setResult(res.value);
    else setProblem(res.error);
  };

  const busy = progress !== null;
  return (
    <div className="import-misp">
      <div className="page-head">
        <div>
          <h1>Import MISP events</h1>
          <p className="muted">
            Upload a MISP event file (MISP JSON). Each item is shared as its MISP distribution and TLP tag say, or more narrowly where TLP requires it, never
            more widely. Nothing is stored if any part of the file is refused.
          </p>
        </div>
      </div>
      <form className="card" onSubmit={(e) => void submit(e)}>
        <label>
          MISP file
          <input type="file" name="misp" accept=".json,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        {file === null ? null : <p className="muted small">{`${file.name}, ${formatBytes(file.size)}`}</p>}
        <label>
          Events that do not say who may see them (feed files)
          <select name="distribution" value={distribution} onChange={(e) => setDistribution(e.target.value)}>
            {DISTRIBUTIONS.map(([value, words]) => (
              <option key={value} value={value}>
                {words}
              </option>
            ))}
          </select>
        </label>
        {busy ? (
          <div className="progress-wrap">
            <progress max={100} value={progress} aria-label="Upload progress" />
            <span className="small">{progress >= 100 ? 'Uploaded; importing…' : `${progress}% uploaded`}</span>
          </div>
        ) : null}
        <div className="actions compact">
          <button type="submit" className="primary" disabled={file === null || busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <div aria-live="polite">
        {result === null ? null : (
          <section className="card">
            <h2>Imported</h2>
            <p>{mispSummaryWords(result)}</p>
            {result.notes.length === 0 ? null : (
              <ul className="small">
                {result.notes.map((n, i) => (
                  <li key={i}>
                    <strong>{mispNoteHeading(n.code)}:</strong> {n.message}
                  </li>
                ))}
              </ul>
            )}
            <p>
              <Link to="/intel?type=report">See the reports</Link>
            </p>
          </section>
        )}
      </div>
    </div>
  );
}
