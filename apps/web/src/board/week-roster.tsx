import type { JSX } from 'preact';
import { Component } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { DateTime } from 'luxon';
import { STATUS_LABEL } from '../ui/parts';
import { HEALTH_TEXT, UNASSIGNED } from './board-model';
import type { RosterItem, RosterLane } from './roster-model';

export interface RosterHandlers {
  open: (jobId: string, from: HTMLElement) => void;
  /** A chip dropped on another cell: `days` whole days later (or earlier), onto `toLane`. */
  move: (jobId: string, days: number, fromLane: string, toLane: string) => void;
  /** A click on a cell's empty space: a new job that day in that lane. */
  create: (day: string, lane: string | null) => void;
}

/**
 * The week view: a roster of lanes (rows) by the venue's days (columns) with a compact chip per
 * job and per busy time. Chips are buttons, the roster one Tab stop with arrow keys between them
 * (Enter opens the job's panel, where everything a drag does can be done from the keyboard); dragging a chip to another cell moves it to that day
 * (same wall-clock time) and/or that person. Rows off screen are not laid out
 * (`content-visibility`), and a change redraws only the rows it touches.
 */
export function WeekRoster(props: { rows: RosterLane[]; days: string[]; zone: string; handlers: RosterHandlers }): JSX.Element {
  const handlers = useRef(props.handlers);
  handlers.current = props.handlers;
  const dragging = useRef<{ jobId: string; lane: string; day: number } | null>(null);
  const over = useRef<HTMLElement | null>(null);
  const today = DateTime.now().setZone(props.zone).toISODate();

  const cellOf = (target: EventTarget | null) => (target instanceof Element ? (target.closest('[data-cell-day]') as HTMLElement | null) : null);
  const setOver = (cell: HTMLElement | null) => {
    if (over.current === cell) return;
    over.current?.classList.remove('drop-target');
    cell?.classList.add('drop-target');
    over.current = cell;
  };

  // One set of handlers for the whole roster (event delegation), not one per chip.
  const onClick = (e: MouseEvent) => {
    const target = e.target as Element;
    const chip = target.closest('[data-event-job]') as HTMLElement | null;
    if (chip) return handlers.current.open(chip.getAttribute('data-event-job')!, chip);
    if (target.closest('[data-event-slot]')) return;
    const cell = cellOf(target);
    if (cell) {
      const lane = cell.getAttribute('data-cell-lane')!;
      handlers.current.create(props.days[Number(cell.getAttribute('data-cell-day'))], lane === UNASSIGNED ? null : lane);
    }
  };
  const onDragStart = (e: DragEvent) => {
    const chip = (e.target as Element).closest?.('[data-event-job]') as HTMLElement | null;
    const cell = cellOf(chip);
    if (!chip || !cell || chip.getAttribute('draggable') !== 'true') return;
    dragging.current = { jobId: chip.getAttribute('data-event-job')!, lane: cell.getAttribute('data-cell-lane')!, day: Number(cell.getAttribute('data-cell-day')) };
    e.dataTransfer?.setData('text/plain', dragging.current.jobId);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  };
  const onDragOver = (e: DragEvent) => {
    const cell = cellOf(e.target);
    if (!dragging.current || !cell) return setOver(null);
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    setOver(cell);
  };
  const onDrop = (e: DragEvent) => {
    const cell = cellOf(e.target);
    const from = dragging.current;
    dragging.current = null;
    setOver(null);
    if (!from || !cell) return;
    e.preventDefault();
    const lane = cell.getAttribute('data-cell-lane')!;
    const day = Number(cell.getAttribute('data-cell-day'));
    if (lane === from.lane && day === from.day) return;
    handlers.current.move(from.jobId, day - from.day, from.lane, lane);
  };
  const onDragEnd = () => {
    dragging.current = null;
    setOver(null);
  };

  // Keyboard: the roster is one Tab stop (roving tabindex); arrows move between job chips —
  // up/down within a day (through the lanes), left/right through a lane's days.
  const root = useRef<HTMLDivElement>(null);
  const activate = (next: HTMLElement, focus: boolean) => {
    for (const el of root.current?.querySelectorAll<HTMLElement>('[data-event-job][tabindex="0"]') ?? []) if (el !== next) el.tabIndex = -1;
    next.tabIndex = 0;
    if (focus) next.focus();
  };
  useEffect(() => {
    const r = root.current;
    if (!r || r.querySelector('[data-event-job][tabindex="0"]')) return;
    const first = r.querySelector<HTMLElement>('[data-event-job]');
    if (first) first.tabIndex = 0;
  });
  const onKeyDown = (e: KeyboardEvent) => {
    const chip = (e.target as Element).closest?.('[data-event-job]') as HTMLElement | null;
    const cell = cellOf(chip);
    const row = cell?.parentElement;
    if (!chip || !cell || !row) return;
    const jobs = (el: Element | null | undefined) => [...(el?.querySelectorAll<HTMLElement>('[data-event-job]') ?? [])];
    const day = cell.getAttribute('data-cell-day');
    const rows = [...(root.current?.querySelectorAll('[data-lane]') ?? [])];
    const at = rows.indexOf(row);
    const inCell = jobs(cell);
    const i = inCell.indexOf(chip);
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') {
      next = inCell[i + 1];
      for (let r = at + 1; !next && r < rows.length; r++) next = jobs(rows[r].querySelector(`[data-cell-day="${day}"]`))[0];
    } else if (e.key === 'ArrowUp') {
      next = inCell[i - 1];
      for (let r = at - 1; !next && r >= 0; r--) next = jobs(rows[r].querySelector(`[data-cell-day="${day}"]`)).pop();
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const cells = [...row.querySelectorAll('[data-cell-day]')];
      const step = e.key === 'ArrowRight' ? 1 : -1;
      for (let c = cells.indexOf(cell) + step; !next && c >= 0 && c < cells.length; c += step) next = jobs(cells[c])[0];
    } else if (e.key === 'Home' || e.key === 'End') {
      const all = jobs(row);
      next = e.key === 'Home' ? all[0] : all[all.length - 1];
    } else return;
    e.preventDefault();
    if (next) activate(next, true);
  };
  const onFocusIn = (e: FocusEvent) => {
    const chip = (e.target as Element).closest?.('[data-event-job]') as HTMLElement | null;
    if (chip && chip.tabIndex !== 0) activate(chip, false);
  };

  return (
    <div
      ref={root}
      class="roster"
      role="table"
      aria-label="Week by staff member and day"
      aria-rowcount={props.rows.length + 1}
      onClick={onClick}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDragEnd={onDragEnd}
      onKeyDown={onKeyDown}
      onFocusIn={onFocusIn}
    >
      <div class="roster-row roster-head" role="row">
        <div class="roster-lane" role="columnheader">
          Staff
        </div>
        {props.days.map((d) => (
          <div key={d} class={`roster-day${d === today ? ' today' : ''}`} role="columnheader">
            {DateTime.fromISO(d, { zone: props.zone }).toFormat('ccc d LLL')}
          </div>
        ))}
      </div>
      {props.rows.map((row) => (
        <RosterRow key={row.lane.id} row={row} />
      ))}
    </div>
  );
}

/** One lane's row; redrawn only when its content changed (its signature). */
class RosterRow extends Component<{ row: RosterLane }> {
  override shouldComponentUpdate(next: { row: RosterLane }): boolean {
    return next.row !== this.props.row;
  }

  render(): JSX.Element {
    const { lane, days } = this.props.row;
    return (
      <div class="roster-row" role="row" data-lane={lane.id}>
        <div class="roster-lane" role="rowheader">
          <span class="lane-name" title={lane.name}>
            {lane.name}
          </span>
          {lane.id !== UNASSIGNED && (
            <span class={`health h-${lane.health}`} data-health={lane.health} title={lane.healthDetail ? `${HEALTH_TEXT[lane.health]} (${lane.healthDetail})` : HEALTH_TEXT[lane.health]}>
              <span class="sr-only">{HEALTH_TEXT[lane.health]}</span>
            </span>
          )}
        </div>
        {days.map((items, i) => (
          <div key={i} class="roster-cell" role="cell" data-cell-lane={lane.id} data-cell-day={i}>
            {items.map(chip)}
          </div>
        ))}
      </div>
    );
  }
}

function chip(item: RosterItem): JSX.Element {
  if (item.kind === 'slot') {
    return (
      <span key={item.key} class={item.conflict ? 'chip busy conflict' : 'chip busy'} data-event-slot={item.id} title={`${item.text} ${item.time}`}>
        {`${item.time} ${item.conflict ? '⚠ ' : ''}${item.text}`}
      </span>
    );
  }
  const status = STATUS_LABEL[item.status ?? ''] ?? item.status ?? '';
  const shown = `${item.time.slice(0, 5)} ${item.conflict ? '⚠ ' : ''}${item.text}`;
  // The accessible name starts with the visible text (speech input: "click 10:00 Trim").
  const label = `${shown} (${item.time}), ${status}${item.conflict ? ', conflict' : ''}`;
  return (
    <button
      key={item.key}
      type="button"
      class={`chip job st-${item.status}${item.conflict ? ' conflict' : ''}`}
      data-event-job={item.id}
      draggable={item.movable}
      tabIndex={-1}
      title={label}
      aria-label={label}
    >
      {shown}
    </button>
  );
}
