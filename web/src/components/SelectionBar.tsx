import { useState } from 'react';
import type { ApiProblem } from '../api.ts';
import { exportSelection, saveFile, selectionIds, type ExportFormat } from '../selection.ts';
import { ProblemBox } from './Status.tsx';

/** What to do with the items ticked in a list: download them as a STIX bundle or as CSV, or clear the choice. */
export function SelectionBar(props: { readonly selected: ReadonlySet<string>; readonly onClear: () => void }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const n = props.selected.size;
  const download = async (format: ExportFormat) => {
    setBusy(format);
    setProblem(null);
    setDone(null);
    const res = await exportSelection(selectionIds(props.selected), format);
    setBusy(null);
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    saveFile(res.value.blob, res.value.fileName);
    setDone(res.value.fileName);
  };
  return (
    <div className="card selection-bar" role="region" aria-label="Chosen items">
      <span className="selection-count" aria-live="polite">
        {n === 0 ? 'Tick items to download them.' : `${n} item${n === 1 ? '' : 's'} chosen`}
        {n > 1000 ? ' (the first 1,000 are downloaded)' : ''}
      </span>
      <div className="actions compact">
        <button type="button" disabled={n === 0 || busy !== null} onClick={() => void download('stix')}>
          {busy === 'stix' ? 'Preparing…' : 'Download as STIX'}
        </button>
        <button type="button" disabled={n === 0 || busy !== null} onClick={() => void download('csv')}>
          {busy === 'csv' ? 'Preparing…' : 'Download as CSV'}
        </button>
        <button type="button" className="link" disabled={n === 0} onClick={props.onClear}>
          Clear the choice
        </button>
      </div>
      {done === null ? null : <p className="muted small" role="status">Saved {done}. Only items shared with you are in it.</p>}
      {problem === null ? null : <ProblemBox problem={problem} />}
    </div>
  );
}
