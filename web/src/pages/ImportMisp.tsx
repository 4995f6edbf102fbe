import { useState } from 'react';
import type { ApiResponse } from '../api.ts';
import { getCsrfToken, type ApiProblem } from '../api.ts';
import { SelectField } from '../components/Fields.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { fileProblemWords } from '../problem-words.ts';
import { UploadForm, useUpload } from '../components/UploadForm.tsx';
import { mispNoteHeading, mispSummaryWords } from '../misp-words.ts';
import { Link } from '../router.tsx';
import { upload } from '../upload.ts';

/** The POST /api/v1/import/misp answer of the OpenAPI document. */
type MispImportResult = ApiResponse<'/api/v1/import/misp', 'post'>;

const DISTRIBUTIONS = [
  ['0', 'My organization only (safest)'],
  ['1', 'The Rampart community'],
] as const;

/** "Import MISP events": upload a MISP JSON file; its items are shared as its distribution and TLP tags say, never wider. */
export function ImportMisp() {
  const [distribution, setDistribution] = useState<string>('0');
  const chosen = useUpload();
  const [result, setResult] = useState<MispImportResult | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const send = async () => {
    setProblem(null);
    setResult(null);
    const res = await chosen.run((file, progress) => upload<MispImportResult>(`/api/v1/import/misp?distribution=${distribution}`, file, 'application/json', getCsrfToken(), progress.sent));
    if (res === null) return;
    if (res.ok) setResult(res.value);
    else setProblem(fileProblemWords(res.error, 'misp'));
  };

  return (
    <div className="import-misp">
      <p className="crumbs">
        <Link to="/intel">← Intelligence</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>Import MISP events</h1>
          <p className="muted">
            Upload a MISP event file (MISP JSON). Each item is shared as its MISP distribution and TLP tag say, or more narrowly where TLP requires it, never
            more widely. Nothing is stored if any part of the file is refused.
          </p>
        </div>
      </div>
      <UploadForm
        upload={chosen}
        name="misp"
        label="MISP file"
        accept=".json,application/json"
        working={{ label: 'Importing the events', words: 'the hub is importing the events' }}
        submit={{ idle: 'Import', busy: 'Importing…' }}
        onSubmit={() => void send()}
      >
        <SelectField label="Events that do not say who may see them (feed files)" name="distribution" value={distribution} options={DISTRIBUTIONS.map(([value, label]) => ({ value, label }))} onChange={setDistribution} />
      </UploadForm>
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
