import type { ReactNode } from 'react';
import { parseMarkdown, type ExternalReference, type Inline } from '../markdown.ts';

function nodes(list: readonly Inline[], idPrefix: string): ReactNode[] {
  return list.map((n, i) => {
    switch (n.kind) {
      case 'text':
        return n.text;
      case 'break':
        return <br key={i} />;
      case 'strong':
        return <strong key={i}>{nodes(n.children, idPrefix)}</strong>;
      case 'em':
        return <em key={i}>{nodes(n.children, idPrefix)}</em>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'link':
        return (
          <a key={i} href={n.href} rel="noopener noreferrer nofollow" target="_blank">
            {nodes(n.children, idPrefix)}
          </a>
        );
      case 'cite':
        return (
          <sup key={i} className="cite">
            <a href={`#${idPrefix}-ref-${n.n}`} aria-label={`Reference ${n.n}: ${n.name}`}>
              [{n.n}]
            </a>
          </sup>
        );
    }
  });
}

/** A description written in Markdown (the knowledge base's), as React elements: never as HTML, so nothing in it runs. */
export function Markdown(props: { readonly text: string; readonly references?: readonly ExternalReference[]; readonly idPrefix?: string }) {
  const prefix = props.idPrefix ?? 'md';
  const doc = parseMarkdown(props.text, props.references ?? []);
  return (
    <div className="markdown">
      {doc.blocks.map((b, i) =>
        b.kind === 'p' ? (
          <p key={i}>{nodes(b.children, prefix)}</p>
        ) : (
          <ul key={i}>
            {b.items.map((item, j) => (
              <li key={j}>{nodes(item, prefix)}</li>
            ))}
          </ul>
        ),
      )}
      {doc.references.length === 0 ? null : (
        <section className="references" aria-label="References">
          <h3>References</h3>
          <ol>
            {doc.references.map((r) => (
              <li key={r.n} id={`${prefix}-ref-${r.n}`}>
                {r.url === null ? (
                  r.name
                ) : (
                  <a href={r.url} rel="noopener noreferrer nofollow" target="_blank">
                    {r.name}
                  </a>
                )}
                {r.description === null || r.description === r.name ? null : <span className="muted small"> — {r.description}</span>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
