import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, plainText, safeHref } from './markdown.ts';

describe('parseMarkdown', () => {
  it('reads paragraphs, <br> line and paragraph breaks, and DISARM double breaks', () => {
    expect(parseMarkdown('One<br>two\n\nThree<br /> <br />Four').blocks).toEqual([
      { kind: 'p', children: [{ kind: 'text', text: 'One' }, { kind: 'break' }, { kind: 'text', text: 'two' }] },
      { kind: 'p', children: [{ kind: 'text', text: 'Three' }] },
      { kind: 'p', children: [{ kind: 'text', text: 'Four' }] },
    ]);
  });

  it('follows web and mail links only; anything else stays plain text', () => {
    expect(parseMarkdown('See [M0932](https://attack.mitre.org/mitigations/M0932).').blocks[0]).toEqual({
      kind: 'p',
      children: [{ kind: 'text', text: 'See ' }, { kind: 'link', href: 'https://attack.mitre.org/mitigations/M0932', children: [{ kind: 'text', text: 'M0932' }] }, { kind: 'text', text: '.' }],
    });
    expect(parseMarkdown('[click](javascript:alert(1))').blocks[0]).toEqual({ kind: 'p', children: [{ kind: 'text', text: 'click' }, { kind: 'text', text: ')' }] });
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref(' mailto:a@example.com ')).toBe('mailto:a@example.com');
  });

  it('keeps tags as text: nothing becomes HTML', () => {
    expect(parseMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>').blocks[0]).toEqual({ kind: 'p', children: [{ kind: 'text', text: '<script>alert(1)</script> <img src=x onerror=alert(1)>' }] });
  });

  it('numbers citations in the order first cited, once each, with the source named in external_references', () => {
    const doc = parseMarkdown('A (Citation: Foo 2020) b (Citation: Bar) c (Citation: Foo 2020)', [
      { source_name: 'mitre-attack', url: 'https://attack.mitre.org/techniques/T0800' },
      { source_name: 'Foo 2020', url: 'https://example.com/foo', description: 'Foo, J. (2020). A paper.' },
      { source_name: 'Bar', url: 'javascript:alert(1)' },
    ]);
    expect(doc.blocks[0]).toEqual({
      kind: 'p',
      children: [
        { kind: 'text', text: 'A ' },
        { kind: 'cite', n: 1, name: 'Foo 2020' },
        { kind: 'text', text: ' b ' },
        { kind: 'cite', n: 2, name: 'Bar' },
        { kind: 'text', text: ' c ' },
        { kind: 'cite', n: 1, name: 'Foo 2020' },
      ],
    });
    expect(doc.references).toEqual([
      { n: 1, name: 'Foo 2020', url: 'https://example.com/foo', description: 'Foo, J. (2020). A paper.' },
      { n: 2, name: 'Bar', url: null, description: null },
    ]);
  });

  it('reads bullet lists, bold, italic and code, and leaves underscores inside words alone', () => {
    expect(parseMarkdown('Steps:\n* **Block** the `port`\n* _Watch_ file_name_here').blocks).toEqual([
      { kind: 'p', children: [{ kind: 'text', text: 'Steps:' }] },
      {
        kind: 'ul',
        items: [
          [{ kind: 'strong', children: [{ kind: 'text', text: 'Block' }] }, { kind: 'text', text: ' the ' }, { kind: 'code', text: 'port' }],
          [{ kind: 'em', children: [{ kind: 'text', text: 'Watch' }] }, { kind: 'text', text: ' file_name_here' }],
        ],
      },
    ]);
  });

  it('reads every description of the real ATT&CK ICS and DISARM bundles without a raw <br> or citation left in the text', () => {
    for (const file of ['/work/shared/data/attack/ics-attack-18.0.json', '/work/shared/data/disarm/DISARM.json']) {
      const bundle = JSON.parse(readFileSync(file, 'utf8')) as { objects: { description?: unknown }[] };
      let seen = 0;
      for (const o of bundle.objects) {
        if (typeof o.description !== 'string') continue;
        seen += 1;
        const text = plainText(o.description);
        expect(text).not.toMatch(/<br|\(Citation:/i);
      }
      expect(seen).toBeGreaterThan(10);
    }
  });
});

describe('plainText', () => {
  it('gives one line of words for list excerpts', () => {
    expect(plainText('Influencers have audiences.<br /> <br />See [this](https://example.com) (Citation: X).')).toBe('Influencers have audiences. See this.');
  });
});
