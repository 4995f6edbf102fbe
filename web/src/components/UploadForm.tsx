import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApiResult } from '../api.ts';
import { formatBytes } from '../upload.ts';

/** Where an upload stands: sending bytes (the share sent), then the hub working on them (the share done, once it says). */
type Stage = { readonly kind: 'idle' } | { readonly kind: 'sending'; readonly percent: number } | { readonly kind: 'working'; readonly percent: number | null };

/** What a page's send function reports while it uploads. */
export interface UploadProgress {
  /** The share of the file's bytes sent so far. */
  readonly sent: (percent: number) => void;
  /** The share of the file the hub has worked through, for routes that say it. */
  readonly done: (percent: number) => void;
}

/** A file chosen for upload and where its upload stands, kept by the page so that it can send the file again (e.g. "store the others"). */
export interface Upload {
  readonly file: File | null;
  readonly choose: (file: File | null) => void;
  readonly stage: Stage;
  readonly busy: boolean;
  /** Sends the chosen file with `send`, the bar following its progress; null when no file is chosen. */
  readonly run: <T>(send: (file: File, progress: UploadProgress) => Promise<ApiResult<T>>) => Promise<ApiResult<T> | null>;
}

export function useUpload(): Upload {
  const [file, choose] = useState<File | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const run = async <T,>(send: (file: File, progress: UploadProgress) => Promise<ApiResult<T>>): Promise<ApiResult<T> | null> => {
    if (file === null) return null;
    setStage({ kind: 'sending', percent: 0 });
    const result = await send(file, {
      sent: (percent) => setStage((s) => (s.kind === 'working' ? s : percent >= 100 ? { kind: 'working', percent: null } : { kind: 'sending', percent })),
      done: (percent) => setStage({ kind: 'working', percent }),
    });
    setStage({ kind: 'idle' });
    return result;
  };
  return { file, choose, stage, busy: stage.kind !== 'idle', run };
}

interface UploadFormProps {
  readonly upload: Upload;
  /** The file field's name and label. */
  readonly name: string;
  readonly label: string;
  readonly accept?: string;
  /** What the hub does once the file is sent, for the bar: its label ("Storing the items") and the words beside it ("the hub is storing the items"). */
  readonly working: { readonly label: string; readonly words: string; readonly percentWords?: string };
  /** The button, idle and while it works. */
  readonly submit: { readonly idle: string; readonly busy: string };
  /** The button was pressed with a file chosen: the page sends it with upload.run. */
  readonly onSubmit: () => void;
  /** The page's own choices, between the file and the bar. */
  readonly children?: ReactNode;
}

/** A card with a file field, the page's choices, a progress bar while the file goes up and the hub works on it, and the button. */
export function UploadForm(props: UploadFormProps) {
  const { upload, working } = props;
  const { stage } = upload;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (upload.file !== null) props.onSubmit();
  };
  return (
    <form className="card" onSubmit={submit}>
      <label>
        {props.label}
        <input type="file" name={props.name} {...(props.accept === undefined ? {} : { accept: props.accept })} onChange={(e) => upload.choose(e.target.files?.[0] ?? null)} />
      </label>
      {upload.file === null ? null : <p className="muted small">{`${upload.file.name}, ${formatBytes(upload.file.size)}`}</p>}
      {props.children}
      {stage.kind === 'idle' ? null : (
        <div className="progress-wrap" role="status">
          {stage.kind === 'sending' ? (
            <>
              <progress max={100} value={stage.percent} aria-label="Upload progress" />
              <span className="small">{`${stage.percent}% sent`}</span>
            </>
          ) : (
            <>
              {stage.percent === null ? <progress aria-label={working.label} /> : <progress max={100} value={stage.percent} aria-label={working.label} />}
              <span className="small">{stage.percent === null ? `All sent; ${working.words}…` : `All sent; ${stage.percent}% ${working.percentWords ?? 'done'}`}</span>
            </>
          )}
        </div>
      )}
      <div className="actions compact">
        <button type="submit" className="primary" disabled={upload.file === null || upload.busy}>
          {upload.busy ? props.submit.busy : props.submit.idle}
        </button>
      </div>
    </form>
  );
}
