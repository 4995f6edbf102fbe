import { useState, type FormEvent } from 'react';
import { IMPACT_LEVELS, SEVERITIES } from '../../../src/domain/election.ts';
import { RAMPART_EXTENSION_ID } from '../../../src/stix/rampart-extension.ts';
import { call, type ApiProblem } from '../api.ts';
import { nextModified } from '../case.ts';
import { SEVERITY_LABELS } from '../format.ts';
import { isRecord } from '../objects.ts';

const IMPACT_WORDS: Readonly<Record<(typeof IMPACT_LEVELS)[number], string>> = { none: 'None', minor: 'Minor', moderate: 'Moderate', major: 'Major' };

function extensionOf(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const extensions = object['extensions'];
  return isRecord(extensions) && isRecord(extensions[RAMPART_EXTENSION_ID]) ? extensions[RAMPART_EXTENSION_ID] : { extension_type: 'property-extension' };
}
import { ProblemBox } from './Status.tsx';

/** The owner's changes to any object: edit its words (a new version) and revoke it. */
export function OwnerActions(props: { readonly object: Readonly<Record<string, unknown>>; readonly onChanged: () => void }) {
  const { object } = props;
  const id = String(object['id']);
  const textField = typeof object['content'] === 'string' && object['type'] === 'note' ? 'content' : 'description';
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(typeof object['name'] === 'string' ? object['name'] : '');
  const [text, setText] = useState(typeof object[textField] === 'string' ? String(object[textField]) : '');
  const incident = object['type'] === 'incident';
  const ext = extensionOf(object);
  const [severity, setSeverity] = useState(typeof ext['severity'] === 'string' ? ext['severity'] : '');
  const [impact, setImpact] = useState(typeof ext['impact'] === 'string' ? ext['impact'] : '');
  const [voters, setVoters] = useState(typeof ext['voters_affected'] === 'number' ? String(ext['voters_affected']) : '');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  if (object['revoked'] === true || typeof object['modified'] !== 'string') return null;
  const hasName = typeof object['name'] === 'string';

  const publish = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const next: Record<string, unknown> = { ...object, modified: nextModified(object['modified'], new Date()) };
    if (hasName) next['name'] = name.trim();
    if (text.trim() === '') delete next[textField];
    else next[textField] = text.trim();
    if (incident) {
      const edited: Record<string, unknown> = { ...ext };
      for (const [key, value] of [['severity', severity], ['impact', impact]] as const) {
        if (value === '') delete edited[key];
        else edited[key] = value;
      }
      if (voters.trim() === '') delete edited['voters_affected'];
      else edited['voters_affected'] = Number(voters);
      next['extensions'] = { ...(isRecord(object['extensions']) ? object['extensions'] : {}), [RAMPART_EXTENSION_ID]: edited };
    }
    const res = await call('post', '/api/v1/objects', { body: { object: next } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    setEditing(false);
    props.onChanged();
  };
  const revoke = async () => {
    if (!window.confirm('Revoke this item? Everyone it is shared with will see that it is no longer valid. This cannot be undone.')) return;
    setBusy(true);
    setProblem(null);
    const res = await call('post', '/api/v1/objects/{id}/revoke', { params: { id } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    props.onChanged();
  };

  return (
    <section className="card owner-actions">
      <h2>Your item</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {editing ? (
        <form onSubmit={(e) => void publish(e)}>
          {hasName ? (
            <label>
              Title
              <input value={name} onChange={(e) => setName(e.target.value)} required />
            </label>
          ) : null}
          <label>
            {textField === 'content' ? 'Note' : 'Description'}
            <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          {incident ? (
            <div className="inline-form">
              <label>
                Severity
                <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
                  <option value="">Not said</option>
                  {SEVERITIES.map((v) => (
                    <option key={v} value={v}>
                      {SEVERITY_LABELS[v]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Impact on election operations
                <select name="impact" value={impact} onChange={(e) => setImpact(e.target.value)}>
                  <option value="">Not said</option>
                  {IMPACT_LEVELS.map((v) => (
                    <option key={v} value={v}>
                      {IMPACT_WORDS[v]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Voters affected (a count, never names)
                <input name="voters_affected" type="number" min={0} step={1} inputMode="numeric" value={voters} onChange={(e) => setVoters(e.target.value)} />
              </label>
            </div>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Publish new version
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="case-moves">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void revoke()}>
            Revoke
          </button>
        </div>
      )}
      <p className="muted small">Each change is a new version everyone it is shared with sees; earlier versions stay listed.</p>
    </section>
  );
}
