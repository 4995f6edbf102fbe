import { answerLinks } from '../corrections.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';

/**
 * The other end of "answers" links as the reader may see them: on an incident, the public corrections that answer it;
 * on a correction, the incident it answers. Nothing at all while there is none (or none shared with the reader).
 */
export function AnswerLinks(props: { readonly id: string; readonly direction: 'in' | 'out'; readonly version?: number }) {
  const res = useRoute('/api/v1/objects/{id}/connections', { params: { id: props.id }, version: props.version ?? 0 });
  const links = res.state === 'ready' ? answerLinks(res.value, props.direction) : [];
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
