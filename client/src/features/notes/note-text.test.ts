import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NOTE_FRAGMENT } from '../../../../shared/src/notes.js';
import { noteLines } from './note-text.js';

type Node = string | { name: string; attrs?: Record<string, unknown>; children: Node[] };

/** Writes nodes the way the editor does: ProseMirror nodes as XML elements, text as XmlText. */
function build(nodes: Node[]): Y.XmlFragment {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(NOTE_FRAGMENT);
  const make = (node: Node): Y.XmlElement | Y.XmlText => {
    if (typeof node === 'string') return new Y.XmlText(node);
    const element = new Y.XmlElement(node.name);
    for (const [key, value] of Object.entries(node.attrs ?? {}))
      element.setAttribute(key, value as string);
    element.insert(0, node.children.map(make));
    return element;
  };
  fragment.insert(0, nodes.map(make));
  return fragment;
}

const p = (...children: Node[]): Node => ({ name: 'paragraph', children });
const li = (...children: Node[]): Node => ({ name: 'listItem', children });

describe('noteLines', () => {
  it('gives one line per paragraph and marks headings with their level', () => {
    const fragment = build([
      { name: 'heading', attrs: { level: 2 }, children: ['Objectifs'] },
      p('Surveillance ', 'glycémie'),
      p(),
      { name: 'heading', attrs: { level: 3 }, children: ['Soins'] },
    ]);
    expect(noteLines(fragment)).toEqual(['## Objectifs', 'Surveillance glycémie', '', '### Soins']);
  });

  it('ignores formatting and splits lines at hard breaks', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment(NOTE_FRAGMENT);
    const paragraph = new Y.XmlElement('paragraph');
    fragment.insert(0, [paragraph]);
    const bold = new Y.XmlText();
    paragraph.insert(0, [bold, new Y.XmlElement('hardBreak'), new Y.XmlText('suite')]);
    bold.insert(0, 'Gras', { bold: {} });
    expect(noteLines(fragment)).toEqual(['Gras', 'suite']);
  });

  it('writes list markers, numbering from the list start, and indents what follows', () => {
    const fragment = build([
      { name: 'bulletList', children: [li(p('Pansement')), li(p('Kiné'), p('le mardi'))] },
      {
        name: 'orderedList',
        attrs: { start: 3 },
        children: [li(p('Un'), { name: 'bulletList', children: [li(p('sous'))] }), li(p('Deux'))],
      },
    ]);
    expect(noteLines(fragment)).toEqual([
      '• Pansement',
      '• Kiné',
      '  le mardi',
      '3. Un',
      '   • sous',
      '4. Deux',
    ]);
  });

  it('reads an empty note as no line', () => {
    expect(noteLines(build([]))).toEqual([]);
  });
});
