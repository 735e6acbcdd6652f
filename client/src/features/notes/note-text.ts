import * as Y from 'yjs';

/** Nodes whose children are inline content (text, hard breaks): one line each. */
const TEXT_BLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

/**
 * The note as plain lines, one per paragraph, heading or list item, for comparing versions.
 * Reads the Yjs fragment the editor writes (ProseMirror nodes as XML elements), so it needs
 * neither an editor nor a DOM. List items carry their marker ("• ", "1. "), headings their
 * level ("## "), so that turning a paragraph into a heading shows as a change.
 */
export function noteLines(fragment: Y.XmlFragment): string[] {
  const lines: string[] = [];
  walk(fragment.toArray(), '', lines);
  return lines;
}

/** Appends the lines of `nodes`; the first line starts with `prefix`, the next are indented. */
function walk(nodes: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>, prefix: string, out: string[]) {
  const start = out.length;
  const lead = () => (out.length === start ? prefix : ' '.repeat(prefix.length));
  for (const node of nodes) {
    if (!(node instanceof Y.XmlElement)) continue;
    const name = node.nodeName;
    if (TEXT_BLOCKS.has(name)) {
      const marker = name === 'heading' ? `${'#'.repeat(headingLevel(node))} ` : '';
      inlineText(node)
        .split('\n')
        .forEach((line, i) => out.push(lead() + (i === 0 ? marker : '') + line));
    } else if (name === 'bulletList' || name === 'orderedList') {
      const first = Number(node.getAttribute('start') ?? 1);
      const items = node.toArray().filter((item) => item instanceof Y.XmlElement);
      items.forEach((item, i) => {
        const marker =
          name === 'bulletList' ? '• ' : `${(Number.isInteger(first) ? first : 1) + i}. `;
        walk(item.toArray(), lead() + marker, out);
      });
    } else {
      // Blockquote, list item and any other container: their blocks, in order.
      walk(node.toArray(), lead(), out);
    }
  }
}

function headingLevel(node: Y.XmlElement): number {
  const level = Number(node.getAttribute('level'));
  return Number.isInteger(level) && level >= 1 && level <= 6 ? level : 2;
}

/** The characters of a text block; a hard break ends a line. */
function inlineText(block: Y.XmlElement): string {
  let text = '';
  for (const child of block.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as Array<{ insert: unknown }>) {
        if (typeof op.insert === 'string') text += op.insert;
      }
    } else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') {
      text += '\n';
    }
  }
  return text;
}
