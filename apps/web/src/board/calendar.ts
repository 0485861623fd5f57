import { createCalendar, destroyCalendar, Interaction, ResourceTimeline } from '@event-calendar/core';
import '@event-calendar/core/index.css';

export type { Calendar } from '@event-calendar/core';
/** The scheduler component (MIT, @event-calendar/core): resource timeline lanes, drag, resize, select. */
export { createCalendar, destroyCalendar };
export const PLUGINS = [ResourceTimeline, Interaction];

const TABLE_ROLES = '[role=table],[role=rowgroup],[role=row],[role=rowheader],[role=columnheader],[role=cell],[role=gridcell]';

/**
 * The component marks its timeline up as an ARIA table whose rows and cells are not nested the
 * way a table must be (axe: aria-required-children/parent, "critical"): screen readers would
 * announce nonsense. Its table roles are dropped (as the component re-renders, too); the board's
 * agenda list beside it is the accessible view of the same jobs.
 */
export function dropBrokenTableRoles(host: HTMLElement): () => void {
  const strip = () => {
    for (const el of host.querySelectorAll(TABLE_ROLES)) {
      el.removeAttribute('role');
      el.removeAttribute('aria-colindex');
    }
  };
  strip();
  const observer = new MutationObserver(strip);
  observer.observe(host, { childList: true, subtree: true, attributes: true, attributeFilter: ['role'] });
  return () => observer.disconnect();
}
