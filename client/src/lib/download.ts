/**
 * The file name a `Content-Disposition` header suggests (`attachment; filename="a.pdf"`, or
 * the RFC 5987 `filename*=UTF-8''…` form, preferred when both are there), or undefined.
 */
export function filenameFrom(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return safeName(decodeURIComponent(extended[1].trim()));
    } catch {
      // A malformed escape: fall back to the plain form below.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(header);
  return safeName(plain?.[1] ?? plain?.[2]);
}

/** Keeps the last path segment only: a name never chooses a folder. */
function safeName(name: string | undefined): string | undefined {
  const last = name?.split(/[/\\]/).pop()?.trim();
  return last ? last : undefined;
}

/** Hands a fetched file to the browser's downloads, under the given name. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has started from the click; the URL can go once the event loop moves on.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
