/**
 * Moves to a section of the page and gives its heading the focus (screen readers read where
 * they are), without the router seeing a navigation: in-page links of the team page.
 */
export function jumpTo(id: string): (event: MouseEvent) => void {
  return (event) => {
    const target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  };
}
