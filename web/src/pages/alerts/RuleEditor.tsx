import { useState, type FormEvent } from 'react';
import { api, type ApiProblem } from '../../api.ts';
import { LoadedTable } from '../../components/DataTable.tsx';
import { ProblemBox } from '../../components/Status.tsx';
import { PLACES } from '../../states.ts';
import { mapLoadable } from '../../use-api.ts';
import { useReload } from '../settings/reload.ts';
import { describeCriteria, EMAIL_WORDS, WATCHED_TYPES, type Criteria, type Rule } from './words.ts';

/**
 * Watch rules of one scope: mine (/api/v1/me/watch-rules, which lists my organization's too) or my
 * organization's (org-admins). Standard rules are shown and cannot be edited here.
 */
export function RuleEditor(props: { readonly scope: 'person' | 'organization'; readonly myState: string | null }) {
  const base = props.scope === 'person' ? '/api/v1/me/watch-rules' : '/api/v1/org/watch-rules';
  const [rules, reload] = useReload<{ rules: Rule[] }>(base);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [name, setName] = useState('');
  const [types, setTypes] = useState<readonly string[]>([]);
  const [state, setState] = useState('');
  const [severity, setSeverity] = useState('');
  const [keywords, setKeywords] = useState('');
  const [watchList, setWatchList] = useState(false);
  const [email, setEmail] = useState<Rule['email']>('digest');

  const act = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    setProblem(null);
    const res = await api<unknown>(method, path, body);
    if (!res.ok) setProblem(res.error);
    reload();
    return res.ok;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const words = keywords.split(',').map((k) => k.trim()).filter((k) => k !== '');
    const criteria: Criteria = {
      ...(types.length === 0 ? {} : { types }),
      ...(state === '' ? {} : { states: [state] }),
      ...(severity === '' ? {} : { min_severity: severity }),
      ...(words.length === 0 ? {} : { keywords: words }),
      ...(watchList ? { watch_list: true } : {}),
    };
    if (await act('POST', base, { name: name.trim() === '' ? describeCriteria(criteria) : name.trim(), criteria, email })) {
      setName('');
      setTypes([]);
      setKeywords('');
      setWatchList(false);
    }
  };
  const shown = mapLoadable(rules, (v) => v.rules);
  const mine = (r: Rule) => !r.built_in && r.scope === props.scope;
  return (
    <>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <LoadedTable
        what="rules"
        rows={shown}
        className="wide-first rules-table"
        rowKey={(r) => r.id}
        empty={{ text: 'No rules yet.' }}
        columns={[
          {
            header: 'Tell about',
            cell: (r) => (
              <>
                <strong>{r.name}</strong>
                <div className="muted small">
                  {describeCriteria(r.criteria)}
                  {r.built_in ? ' · Rampart’s standard rule' : r.scope === 'organization' && props.scope === 'person' ? ' · your organization’s rule' : ''}
                </div>
              </>
            ),
          },
          { header: 'Email', cell: (r) => EMAIL_WORDS[r.email], className: 'small' },
          {
            header: 'Actions',
            cell: (r) =>
              mine(r) ? (
                <span className="row-actions">
                  <button type="button" onClick={() => void act('PATCH', `${base}/${r.id}`, { enabled: !r.enabled })} aria-label={`${r.enabled ? 'Pause' : 'Resume'} ${r.name}`}>
                    {r.enabled ? 'Pause' : 'Resume'}
                  </button>{' '}
                  <button type="button" onClick={() => void act('DELETE', `${base}/${r.id}`)} aria-label={`Remove ${r.name}`}>
                    Remove
                  </button>
                </span>
              ) : (
                <span className="muted small">{r.enabled ? 'On' : 'Paused'}</span>
              ),
          },
        ]}
      />
      <form className="rule-form" onSubmit={(e) => void add(e)}>
        <h3>{props.scope === 'person' ? 'Add a rule for me' : 'Add a rule for everyone in my organization'}</h3>
        <fieldset>
          <legend>What to tell about (none ticked: anything)</legend>
          {WATCHED_TYPES.map((t) => (
            <label key={t.type} className="choice">
              <input type="checkbox" checked={types.includes(t.type)} onChange={(e) => setTypes(e.target.checked ? [...types, t.type] : types.filter((x) => x !== t.type))} /> {t.label}
            </label>
          ))}
        </fieldset>
        <div className="form-row">
          <label>
            Only in this state
            <select value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">Any state</option>
              {props.myState === null ? null : <option value={props.myState}>My state</option>}
              {PLACES.map((p) => (
                <option key={p.fips} value={p.fips}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Incidents at least this severe
            <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
              <option value="">Any severity</option>
              <option value="moderate">Moderate or worse</option>
              <option value="high">High or critical</option>
              <option value="critical">Critical only</option>
            </select>
          </label>
        </div>
        <label>
          Only if it mentions (words or phrases, separated by commas)
          <input value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="pollbook, results website" />
        </label>
        <label className="choice">
          <input type="checkbox" checked={watchList} onChange={(e) => setWatchList(e.target.checked)} /> Only what names one of my organization’s watched domains, addresses or web addresses
        </label>
        <div className="form-row">
          <label>
            Email
            <select value={email} onChange={(e) => setEmail(e.target.value as Rule['email'])}>
              {(['immediate', 'digest', 'none'] as const).map((m) => (
                <option key={m} value={m}>
                  {EMAIL_WORDS[m]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Name (optional)
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="Incidents near us" />
          </label>
        </div>
        <button type="submit" className="primary">
          Add rule
        </button>
      </form>
    </>
  );
}
