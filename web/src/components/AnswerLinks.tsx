import { answerLinks } from '../corrections.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';

type AnswerLink = ReturnType<typeof answerLinks>[number];

/**
 * The other end of "answers" links as the reader may see them: on an incident, the public corrections that answer it;
 * on a correction, the incident it answers. Empty while loading, and when there is none (or none shared with the reader).
 */
export function useAnswerLinks(id: string, direction: 'in' | 'out', version = 0): readonly AnswerLink[] {
  const res = useRoute('/api/v1/objects/{id}/connections', { params: { id }, version });
  return res.state === 'ready' ? answerLinks(res.value, direction) : [];
}

/** Those links, fetched; nothing at all while there is none. */
export function AnswerLinks(props: { readonly id: string; readonly direction: 'in' | 'out'; readonly version?: number }) {
  const links = useAnswerLinks(props.id, props.direction, props.version ?? 0);
  return <AnswerLinkList direction={props.direction} links={links} />;
}

/** Links a page already has (from useAnswerLinks); nothing at all while there is none. */
export function AnswerLinkList(props: { readonly direction: 'in' | 'out'; readonly links: readonly AnswerLink[] }) {
  const { links } = props;
  if (links.length === 0) return null;
  return (
    <p className="answer-links small" data-testid={props.direction === 'in' ? 'incident-corrections' : 'correction-incident'}>
      <span className="type-tag">{props.direction === 'in' ? 'Answered publicly by' : 'Answers the incident'}</span>{' '}
      {links.map((l, i) => (
        <span key={l.id}>
          {i === 0 ? null : ', '}
          <Link to={`/intel/${encodeURIComponent(l.id)}`}>{l.title}</Link>
        </span>
      ))}
    </p>
  );
}
