import type { ApiProblem } from './api.ts';

/** A heading for a problem in plain words, instead of the HTTP reason phrase ("Forbidden", "Unprocessable Entity"). */
export function problemHeading(problem: Pick<ApiProblem, 'status' | 'title'>): string {
  const { status } = problem;
  if (status === 0) return 'No connection';
  if (status === 400 || status === 422) return 'Please check what you entered';
  if (status === 401) return 'You are signed out';
  if (status === 403) return 'Not allowed';
  if (status === 404) return 'Not found';
  if (status === 409) return 'Could not save';
  if (status === 413) return 'Too large';
  if (status === 415) return 'Not a file Rampart can read';
  if (status === 429) return 'Too many tries';
  if (status >= 500) return 'Something went wrong on the hub';
  return problem.title;
}

/**
 * Where in an uploaded file a problem is, in words: `$.objects[3]` is "Item 4", `$.objects[3].pattern` "Item 4,
 * pattern"; the whole file (`$`) needs no label (null). Other paths are shown as they are.
 */
export function problemPlace(path: string | null): string | null {
  if (path === null || path === '$' || path === '') return null;
  const item = /^\$\.objects\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (item?.[1] !== undefined) return `Item ${Number(item[1]) + 1}${item[2] === undefined ? '' : `, ${item[2]}`}`;
  return path.startsWith('$.') ? path.slice(2) : path;
}

/** An uploaded file's problem as the upload page says it: the command-line option becomes the page's own checkbox. */
export function uploadProblemWords<P extends { readonly detail: string }>(problem: P, checkbox: string): P {
  return { ...problem, detail: problem.detail.replace(/,? or pass --skip-invalid to store the valid ones/, `, or tick “${checkbox}” to store the others`) };
}

/** Why items of an upload were refused, for one item and for several (other refusals keep the server's own message). */
const REFUSED_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  'already-here': [
    'is already here: another organization made it and shared it with you, and only its maker can change it',
    'are already here: another organization made them and shared them with you, and only their maker can change them',
  ],
  'created-by-mismatch': ['was made by another organization, and only its maker can share it', 'were made by another organization, and only their maker can share them'],
  'not-owner': [
    'is an item another organization shared with you (or a changed copy of one), and only its owner can change it',
    'are items another organization shared with you (or changed copies of them), and only their owner can change them',
  ],
  'version-conflict': ['is already here with other content under the same date of change', 'are already here with other content under the same date of change'],
};

/** An upload refused item by item: how many of how many, why (in sentences), and how many others could be stored. */
export interface UploadRefusal {
  readonly refused: number;
  readonly total: number | null;
  /** How many items the file holds besides the refused ones, when the server said how many it read. */
  readonly others: number | null;
  /** "2 are already here: …", most common first. */
  readonly reasons: readonly string[];
}

/** Reads an `import-rejected` problem for the upload page; null for any other problem. */
export function uploadRefusal(problem: Pick<ApiProblem, 'code' | 'detail' | 'errors'>): UploadRefusal | null {
  if (problem.code !== 'import-rejected') return null;
  const counted = /^(\d+) of (\d+) objects/.exec(problem.detail);
  const refused = counted?.[1] === undefined ? problem.errors.length : Number(counted[1]);
  const total = counted?.[2] === undefined ? null : Number(counted[2]);
  const groups = new Map<string, number>();
  for (const e of problem.errors) {
    const key = e.code !== undefined && e.code in REFUSED_WORDS ? e.code : `:${e.message}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const reasons = [...groups]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => {
      const words = REFUSED_WORDS[key];
      return words === undefined ? `${n} refused: ${key.slice(1)}` : `${n} ${n === 1 ? words[0] : words[1]}`;
    });
  return { refused, total, others: total === null ? null : total - refused, reasons };
}

/** Which page a file was uploaded on: each says what went wrong with it in its own words. */
export type FilePage = 'bundle' | 'misp' | 'log';

/**
 * A problem with an uploaded file as its page says it. The hub's messages serve the command line and the API as
 * well ("give --format", "byte 0x68", a JSON parser's own message); on these pages they become what to do here,
 * once (not again in the list below it). Other problems pass through unchanged.
 */
export function fileProblemWords<P extends Pick<ApiProblem, 'code' | 'detail' | 'errors'>>(problem: P, page: FilePage): P {
  const plain = (detail: string): P => ({ ...problem, detail, errors: [] });
  if (problem.code === 'malformed-json' && page === 'bundle') {
    return plain('This file is not a STIX bundle: a bundle is a JSON file that starts with “{”. Choose the STIX 2.1 file (.json) your tool exported. Nothing was stored.');
  }
  if (problem.code === 'malformed-json' && page === 'misp') {
    return plain('This file is not a MISP event file: it is not JSON. In MISP, export the event as MISP JSON and choose that file. Nothing was stored.');
  }
  if (problem.code === 'not-a-misp-event' && problem.detail.includes('STIX file')) {
    return plain('This is a STIX file, not a MISP file. Upload it on the “Upload a bundle” page instead. Nothing was stored.');
  }
  if (problem.code === 'format-not-detected' && page === 'log') {
    return plain('Rampart cannot tell what kind of log this is from its first lines. Choose its kind under “Format” and check it again.');
  }
  return problem;
}

/**
 * A page address whose id the hub cannot read (a link cut short in an email, a typo) is refused as a malformed request,
 * with the id's pattern as a regular expression; a person only followed a link, so it is said as "nothing here" in
 * words. Other problems pass through unchanged.
 */
export function addressProblemWords<P extends Pick<ApiProblem, 'status' | 'title' | 'code' | 'detail' | 'errors'>>(problem: P): P {
  const fromAddress = problem.code === 'invalid-request' && problem.errors.length > 0 && problem.errors.every((e) => e.path?.startsWith('params.') === true);
  if (!fromAddress) return problem;
  return { ...problem, status: 404, title: 'Not Found', detail: 'There is nothing at this address: the link may be cut short or mistyped. Check it, or find what you are looking for from the menu.', errors: [] };
}

/** The per-field problems a problem box lists below its sentence: those the sentence does not already say word for word. */
export function listedErrors<E extends { readonly message: string }>(problem: { readonly detail: string; readonly errors: readonly E[] }): readonly E[] {
  const detail = problem.detail.toLowerCase();
  return problem.errors.filter((e) => !detail.includes(e.message.trim().toLowerCase()));
}
