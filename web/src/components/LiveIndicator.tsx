import { plural } from '../format.ts';
import type { LiveFeed } from '../use-live.ts';

const WORDS: Readonly<Record<LiveFeed['status'], string>> = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, retrying' };

/** A small "Live" dot and, once something new arrived, an "N new" button that shows it. */
export function LiveIndicator(props: { readonly feed: LiveFeed; readonly onShowNew: () => void }) {
  const { status, unseen } = props.feed;
  return (
    <span className="live-indicator">
      <span className={`live-dot live-${status}`} aria-hidden="true" />
      <span role="status">{WORDS[status]}</span>
      {unseen > 0 ? (
        <button
          type="button"
          className="pill live-new"
          onClick={() => {
            props.feed.markSeen();
            props.onShowNew();
          }}
        >
          {plural(unseen, 'new item')}: show
        </button>
      ) : null}
    </span>
  );
}
