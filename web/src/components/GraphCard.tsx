import { useEffect, useRef, useState } from 'react';
import type { Core } from 'cytoscape';
import { graphElements, graphList, labelScale } from '../connections.ts';
import { Link, navigate } from '../router.tsx';
import { useRoute } from '../use-api.ts';

/**
 * The objects two steps around this one, drawn with Cytoscape.js (loaded only when the card opens). Each node
 * passed the sharing rule on the server; one the reader may not see is grey and says only "Not shared with you".
 * Choosing a shared node opens its page.
 */
export function GraphCard(props: { readonly objectId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="card graph-card" aria-labelledby="graph-heading">
      <div className="card-head">
        <h2 id="graph-heading">Connection graph</h2>
        <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide the graph' : 'Show the graph'}
        </button>
      </div>
      {open ? <Graph objectId={props.objectId} /> : <p className="muted small">What this item is linked to, and what those are linked to, two steps out.</p>}
    </section>
  );
}

function Graph(props: { readonly objectId: string }) {
  const res = useRoute('/api/v1/objects/{id}/graph', { params: { id: props.objectId }, query: '?hops=2' });
  const box = useRef<HTMLDivElement | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [failed, setFailed] = useState(false);
  const graph = res.state === 'ready' ? res.value : null;

  useEffect(() => {
    if (graph === null || box.current === null) return;
    let cy: Core | null = null;
    let live = true;
    const container = box.current;
    import('cytoscape')
      .then(({ default: cytoscape }) => {
        if (!live) return;
        claimCytoscapeStylesheet();
        cy = cytoscape({
          container,
          elements: graphElements(graph),
          layout: { name: 'concentric', concentric: (n) => 10 - Number(n.data('hop')), levelWidth: () => 1, minNodeSpacing: 70, spacingFactor: 1.4, padding: 24, animate: false },
          style: [
            { selector: 'node', style: { label: 'data(label)', 'font-size': 14, 'text-wrap': 'wrap', 'text-max-width': '150px', 'text-valign': 'bottom', 'text-margin-y': 5, 'background-color': '#1f5fbf', width: 26, height: 26, color: '#1d2433', 'text-background-color': '#fbfcfe', 'text-background-opacity': 0.85, 'text-background-padding': '2px' } },
            { selector: 'node[?root]', style: { 'background-color': '#0b2d5c', width: 40, height: 40, 'font-weight': 'bold' } },
            { selector: 'node[!shared]', style: { 'background-color': '#c9ced6', shape: 'round-rectangle', color: '#5b6473', 'font-style': 'italic' } },
            { selector: 'edge', style: { width: 1.5, 'line-color': '#9aa3b2', 'target-arrow-color': '#9aa3b2', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 11, color: '#5b6473', 'text-rotation': 'autorotate', 'text-background-color': '#fbfcfe', 'text-background-opacity': 1, 'text-background-padding': '1px' } },
          ],
        });
        // Fitted into a phone's width the graph is drawn small: its names grow back to a readable size on screen.
        const scale = labelScale(cy.zoom());
        if (scale > 1) {
          cy.nodes().style({ 'font-size': 14 * scale, 'text-max-width': `${Math.round(110 * scale)}px` });
          cy.edges().style({ 'font-size': 11 * scale });
        }
        cy.on('tap', 'node', (e) => {
          const node = e.target as { data: (k: string) => unknown };
          const id = node.data('id');
          if (node.data('shared') === true && typeof id === 'string' && id !== props.objectId) navigate(`/intel/${encodeURIComponent(id)}`);
        });
        setDrawn(true);
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
      cy?.destroy();
    };
  }, [graph, props.objectId]);

  if (res.state === 'loading') return <p className="muted">Drawing the graph…</p>;
  if (res.state === 'error') return <p className="muted">{res.problem.detail}</p>;
  const shown = res.value.nodes.filter((n) => n.shared && n.key !== res.value.root).length;
  const hidden = res.value.nodes.filter((n) => !n.shared).length;
  return (
    <>
      <div
        ref={box}
        className="graph-canvas"
        role="img"
        data-drawn={drawn ? 'yes' : 'no'}
        aria-label={`Graph of ${shown} item${shown === 1 ? '' : 's'} shared with you around this one${hidden === 0 ? '' : ` and ${hidden} not shared with you`}. The Connections list names the nearest ones.`}
      />
      {failed ? <p className="muted">The graph could not be drawn in this browser; the Connections list shows the same links.</p> : null}
      {/* Each key keeps its mark beside its words, so a narrow screen wraps between keys, never inside one. */}
      <ul className="muted small graph-legend" aria-label="What the marks mean">
        <li>
          <span className="dot shared" aria-hidden="true" /> shared with you (choose one to open it)
        </li>
        <li>
          <span className="dot hidden" aria-hidden="true" /> not shared with you
        </li>
      </ul>
      {res.value.truncated ? <p className="muted small">The graph was cut short: there are more connections than it shows.</p> : null}
      <GraphList graph={res.value} />
    </>
  );
}

/** The graph's items as links, step by step: what a keyboard or screen-reader user opens (Enter) instead of a node. */
function GraphList(props: { readonly graph: Parameters<typeof graphList>[0] }) {
  const steps = graphList(props.graph);
  if (steps.length === 0) return null;
  return (
    <details className="graph-list">
      <summary>The items in the graph, as a list</summary>
      {steps.map((s) => (
        <section key={s.steps} aria-label={`${s.steps === 1 ? 'One step' : `${s.steps} steps`} away`}>
          <h3 className="small">{s.steps === 1 ? 'One step away' : `${s.steps} steps away`}</h3>
          <ul>
            {s.items.map((i) => (
              <li key={i.id}>
                <span className="type-tag">{i.kind}</span> <Link to={`/intel/${encodeURIComponent(i.id)}`}>{i.title}</Link>
              </li>
            ))}
            {s.notShared === 0 ? null : <li className="muted">{s.notShared === 1 ? '1 item not shared with you' : `${s.notShared} items not shared with you`}</li>}
          </ul>
        </section>
      ))}
    </details>
  );
}

/**
 * Cytoscape adds an inline <style> (its container's position) unless an element with its stylesheet's id exists;
 * the page's CSP refuses inline styles, so an empty marker takes that id and styles.css gives the position.
 */
function claimCytoscapeStylesheet(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id) !== null) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.appendChild(marker);
}
