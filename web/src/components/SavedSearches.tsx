import { useState, type FormEvent } from 'react';
import { call, query, type ApiProblem } from '../api.ts';
import { filtersOf } from '../list-query.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';
import { ProblemBox } from './Status.tsx';

/** The Intelligence list's saved searches: save the search on screen under a name, reopen, delete, or turn one into a watch rule. */
export function SavedSearches(props: { readonly current: Readonly<Record<string, string>> }) {
  const [version, setVersion] = useState(0);
  const saved = useRoute('/api/v1/me/saved-searches', { version });
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState('');
  const items = saved.state === 'ready' ? saved.value.items : [];

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const res = await call('post', '/api/v1/me/saved-searches', { body: { name, query: props.current } });
    if (!res.ok) return setProblem(res.error);
    setProblem(null);
    setNaming(false);
    setName('');
    setDone(`Saved as "${res.value.name}".`);
    setVersion((v) => v + 1);
  };
  const remove = async (id: string, label: string) => {
    const res = await call('delete', '/api/v1/me/saved-searches/{id}', { params: { id } });
    if (!res.ok) return setProblem(res.error);
    setProblem(null);
    setDone(`Deleted "${label}".`);
    setVersion((v) => v + 1);
  };
  const watch = async (item: (typeof items)[number]) => {
    const res = await call('post', '/api/v1/me/watch-rules', { body: { name: item.name, criteria: item.watch_rule.criteria } });
    if (!res.ok) return setProblem(res.error);
    setProblem(null);
    setDone(`Watching "${item.name}": you will be alerted to new items that match.${item.watch_rule.not_carried.length === 0 ? '' : ` A watch rule cannot hold ${item.watch_rule.not_carried.join('; ')}.`}`);
  };

  return (
    <section className="card saved-searches" aria-labelledby="saved-searches-heading">
      <div className="saved-head">
        <h2 id="saved-searches-heading">Saved searches</h2>
        {naming ? null : (
          <button type="button" onClick={() => setNaming(true)}>
            Save this search
          </button>
        )}
      </div>
      {naming ? (
        <form className="save-search" onSubmit={(e) => void save(e)}>
          <label>
            Name for this search
            <input type="text" name="saved-name" value={name} maxLength={120} required onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : null}
      {problem === null ? null : <ProblemBox problem={problem} />}
      <p role="status" className="small">
        {done}
      </p>
      {items.length === 0 ? (
        <p className="muted small">None yet. Set the search and filters you use often, then save them here.</p>
      ) : (
        <ul className="saved-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={`/intel${query(filtersOf(item.query))}`}>{item.name}</Link>{' '}
              <button type="button" className="link-button" onClick={() => void watch(item)}>
                Alert me to new matches<span className="sr-only"> of {item.name}</span>
              </button>{' '}
              <button type="button" className="link-button" onClick={() => void remove(item.id, item.name)}>
                Delete<span className="sr-only"> {item.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {items.length === 0 ? null : (
        <p className="muted small">
          Watch rules live in <Link to="/settings/alerts">alert settings</Link>.
        </p>
      )}
    </section>
  );
}
