import { useState } from 'react';
import type { ApiResponse } from '../api.ts';
import { getCsrfToken, type ApiProblem } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { SelectField } from '../components/Fields.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { fileProblemWords } from '../problem-words.ts';
import { UploadForm, useUpload } from '../components/UploadForm.tsx';
import { formatWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { contentTypeFor, LOG_FORMATS, matchPath, upload, type LogFormat } from '../upload.ts';

/** The part of the server's match report this page shows (the POST /api/v1/match answer of the OpenAPI document). */
type MatchResult = ApiResponse<'/api/v1/match', 'post'>;

const FORMAT_WORDS: Readonly<Record<LogFormat, string>> = {
  auto: 'Recognise it for me',
  jsonl: 'JSON lines',
  csv: 'CSV with a header row',
  zeek: 'Zeek (conn, dns, http …)',
  dns: 'DNS query log (BIND / dnsmasq)',
  nginx: 'nginx or Apache access log',
  'suricata-eve': 'Suricata EVE JSON',
};

/** "Check my logs": upload a log, see which shared indicators it contains; optionally report sightings. */
export function CheckLogs() {
  const [format, setFormat] = useState<LogFormat>('auto');
  const [publish, setPublish] = useState(false);
  const [warningListed, setWarningListed] = useState(false);
  const chosen = useUpload();
  const [result, setResult] = useState<MatchResult | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const now = new Date();
  const send = async () => {
    setProblem(null);
    setResult(null);
    const res = await chosen.run((file, progress) => upload<MatchResult>(matchPath({ format, publish, includeWarningListed: warningListed }), file, contentTypeFor(file.name, format), getCsrfToken(), progress.sent));
    if (res === null) return;
    if (res.ok) setResult(res.value);
    else setProblem(fileProblemWords(res.error, 'log'));
  };

  return (
    <div className="check-logs">
      <div className="page-head">
        <div>
          <h1>Check my logs</h1>
          <p className="muted">Upload a log file: Rampart looks for every indicator shared with you. The file is read on the hub and not kept.</p>
        </div>
      </div>
      <UploadForm
        upload={chosen}
        name="log"
        label="Log file"
        working={{ label: 'Checking the log', words: 'the hub is checking the log' }}
        submit={{ idle: 'Check this log', busy: 'Checking…' }}
        onSubmit={() => void send()}
      >
        <SelectField label="Format" name="format" value={format} options={LOG_FORMATS.map((f) => ({ value: f, label: FORMAT_WORDS[f] }))} onChange={(f) => setFormat(LOG_FORMATS.find((x) => x === f) ?? 'auto')} />
        <label className="choice">
          <input type="checkbox" name="publish" checked={publish} onChange={(e) => setPublish(e.target.checked)} />
          Tell others what I find (publishes a sighting as TLP:GREEN to my organization&apos;s usual audience; other members only see a count,
          never who saw it)
        </label>
        <label className="choice">
          <input type="checkbox" name="include_warning_listed" checked={warningListed} onChange={(e) => setWarningListed(e.target.checked)} />
          Also show matches on values that are usually harmless (private addresses, well-known domains), marked as such
        </label>
      </UploadForm>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <div aria-live="polite">
        {result === null ? null : (
          <section className="card match-results">
            <h2>
              {result.hits.length === 0 ? 'Nothing found' : `${result.hits.length} indicator${result.hits.length === 1 ? '' : 's'} found`}
            </h2>
            {result.hits.length === 0 ? <p>No indicator shared with you appears in this log.</p> : null}
            <p className="muted small">
              {`${result.lines.toLocaleString()} lines read as ${formatWords(result.format)}`}
              {result.malformed > 0 ? `; ${result.malformed.toLocaleString()} could not be read` : ''}.
              {result.sightings.length === 0 ? '' : ` ${result.sightings.length} sighting${result.sightings.length === 1 ? '' : 's'} published for your organization.`}
            </p>
            {result.problems.length === 0 ? null : (
              <details>
                <summary>Lines that could not be read</summary>
                <ul className="small">
                  {result.problems.map((p) => (
                    <li key={`${p.line}-${p.code}`}>{`Line ${p.line}: ${p.message}`}</li>
                  ))}
                </ul>
              </details>
            )}
            {result.hits.length === 0 ? null : (
              <DataTable
                className="wide-first hits-table"
                rows={result.hits}
                rowKey={(h) => h.indicator}
                columns={[
                  {
                    header: 'Indicator',
                    cell: (h) => (
                      <>
                        <Link to={`/intel/${encodeURIComponent(h.indicator)}`}>{h.name ?? h.indicator}</Link>
                        <div className="mono small muted">{h.pattern}</div>
                        {h.warning_lists.length === 0 ? null : <span className="pill">warning list: {h.warning_lists.join(', ')}</span>}
                      </>
                    ),
                  },
                  { header: 'Times', cell: (h) => h.count.toLocaleString() },
                  { header: 'Values in your log', cell: (h) => h.values.slice(0, 5).join(', '), className: 'mono small' },
                  {
                    header: 'First / last seen',
                    className: 'small',
                    cell: (h) => (
                      <>
                        {formatWhen(h.first_seen, now)}
                        <br />
                        {formatWhen(h.last_seen, now)}
                      </>
                    ),
                  },
                ]}
              />
            )}
          </section>
        )}
      </div>
    </div>
  );
}

/** The format the server recognised, in the same words as the menu. */
function formatWords(format: string): string {
  return (LOG_FORMATS as readonly string[]).includes(format) ? FORMAT_WORDS[format as LogFormat] : format;
}
