import type { ComponentChildren, JSX } from 'preact';
import { useEffect } from 'preact/hooks';

/** The booking page's frame: the venue's name on top, the page title kept in step. */
export function Shell(props: { title: string; venueName?: string; children: ComponentChildren }): JSX.Element {
  useEffect(() => {
    document.title = props.venueName ? `${props.title} · ${props.venueName}` : props.title;
  }, [props.title, props.venueName]);
  return (
    <>
      <header class="book-top">
        <span class="brand">{props.venueName ?? 'Online booking'}</span>
      </header>
      <main class="book-main" id="main">
        {props.children}
      </main>
    </>
  );
}
