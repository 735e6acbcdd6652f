import { Editor, type ChainedCommands } from '@tiptap/core';
import { untrack } from 'svelte';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import StarterKit from '@tiptap/starter-kit';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { NOTE_FRAGMENT } from '../../../../shared/src/notes.js';

export interface RichEditorOptions {
  /** The Yjs document the text lives in (fragment NOTE_FRAGMENT). */
  doc: Y.Doc;
  /** Remote carets and our own cursor, when the document is shared live. */
  awareness?: Awareness | undefined;
  /** Our name and colour on the others' screens (the server overwrites the name). */
  user?: { name: string; color: string } | undefined;
  /** Accessible name of the text area. */
  label: string;
  editable: boolean;
}

export type FormatName = 'bold' | 'italic' | 'bulletList' | 'orderedList' | 'h2' | 'h3';

/**
 * A TipTap editor bound to a Yjs document, with what the toolbar needs as reactive state:
 * TipTap's own state is not reactive, so every transaction bumps `#revision`, which the
 * getters below read.
 */
export class RichEditor {
  editor = $state.raw<Editor | null>(null);
  #revision = $state(0);
  #label = '';

  /**
   * Creates the editor in `element` (from a Svelte attachment); returns its teardown. Nothing
   * read while creating it (the transactions it runs bump `#revision`) may become a
   * dependency of the attachment, which would re-create the editor on every keystroke.
   */
  mount(element: HTMLElement, options: RichEditorOptions): () => void {
    return untrack(() => this.#create(element, options));
  }

  #create(element: HTMLElement, options: RichEditorOptions): () => void {
    this.#label = options.label;
    const editor = new Editor({
      element,
      editable: options.editable,
      extensions: [
        StarterKit.configure({
          // Collaboration brings the Yjs undo manager, which only undoes our own edits.
          undoRedo: false,
          // Appends a paragraph after every transaction that ends on a list, on every
          // client at once, remote ones included: duplicate empty paragraphs in a shared note.
          trailingNode: false,
          // The page has its h1: the note's titles are h2 and h3.
          heading: { levels: [2, 3] },
          link: { openOnClick: false },
        }),
        Collaboration.configure({ document: options.doc, field: NOTE_FRAGMENT }),
        ...(options.awareness && options.user
          ? [
              CollaborationCaret.configure({
                // The extension only uses `provider.awareness`.
                provider: { awareness: options.awareness },
                user: options.user,
                render: renderCaret,
              }),
            ]
          : []),
      ],
      // An object: TipTap merges it with its own at creation (a function would be lost).
      editorProps: { attributes: this.#attributes(options.editable) },
      onTransaction: () => {
        this.#revision += 1;
      },
    });
    this.editor = editor;
    return () => {
      this.editor = null;
      editor.destroy();
    };
  }

  setEditable(editable: boolean): void {
    const editor = this.editor;
    if (!editor || editor.isDestroyed) return;
    editor.setOptions({
      editable,
      editorProps: { ...editor.options.editorProps, attributes: this.#attributes(editable) },
    });
  }

  #attributes(editable: boolean): Record<string, string> {
    return {
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-label': this.#label,
      'aria-readonly': String(!editable),
      class: 'rich-text',
      spellcheck: 'true',
      lang: 'fr',
    };
  }

  /** Whether the selection has this format (read in a template or $derived, it is reactive). */
  isActive(format: FormatName): boolean {
    void this.#revision;
    const editor = this.editor;
    if (!editor) return false;
    if (format === 'h2') return editor.isActive('heading', { level: 2 });
    if (format === 'h3') return editor.isActive('heading', { level: 3 });
    return editor.isActive(format);
  }

  canUndo(): boolean {
    void this.#revision;
    return this.editor?.can().undo() ?? false;
  }

  canRedo(): boolean {
    void this.#revision;
    return this.editor?.can().redo() ?? false;
  }

  /** Runs a command on the selection, keeping the focus in the text. */
  run(command: (chain: ChainedCommands) => ChainedCommands): void {
    const editor = this.editor;
    if (!editor) return;
    command(editor.chain().focus()).run();
  }
}

const HEX_COLOR = /^#[\da-f]{6}$/i;

/**
 * Another person's caret: a coloured bar with their name (from the server) above it. Hidden
 * from screen readers, which would read the name in the middle of the text: the presence
 * list tells who is here.
 */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color =
    typeof user.color === 'string' && HEX_COLOR.test(user.color) ? user.color : '#555e68';
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.setAttribute('aria-hidden', 'true');
  // Not text: Ctrl+End and the arrows must never put our caret inside someone's name.
  caret.contentEditable = 'false';
  caret.style.borderColor = color;
  const label = document.createElement('span');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = color;
  label.textContent = typeof user.name === 'string' ? user.name : '';
  caret.append(label);
  return caret;
}
