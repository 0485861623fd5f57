import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fromFloating, toFloating } from '../lib/time';
import { STATUS_LABEL } from '../ui/parts';
import { BoardEvent, HEALTH_TEXT, Lane, UNASSIGNED } from './board-model';
import type { Calendar } from './calendar';

type CalendarModule = typeof import('./calendar');
let loading: Promise<CalendarModule> | null = null;
/** The scheduler component is only needed by the day view: loaded on first use (its own chunk). */
export function loadCalendar(): Promise<CalendarModule> {
  loading ??= import('./calendar');
  return loading;
}

export interface TimelineHandlers {
  select: (startsAt: string, endsAt: string, lane: string | null) => void;
  open: (jobId: string) => void;
  move: (jobId: string, startsAt: string, endsAt: string, from: string | undefined, to: string | undefined, revert: () => void) => void;
}

/**
 * The day view: the scheduler component's resource timeline (a lane per staff member, drag to
 * reschedule or reassign, resize, select to create), run in UTC with the venue's wall clock.
 */
export function DayTimeline(props: { zone: string; from: string; lanes: Lane[]; events: BoardEvent[]; handlers: TimelineHandlers }): JSX.Element {
  const { zone } = props;
  const host = useRef<HTMLDivElement>(null);
  const cal = useRef<Calendar | null>(null);
  const [ready, setReady] = useState(0);
  const handlers = useRef(props.handlers);
  handlers.current = props.handlers;
  const zoneRef = useRef(zone);
  zoneRef.current = zone;

  useEffect(() => {
    let calendar: Calendar | null = null;
    let stopFixingRoles = () => {};
    let gone = false;
    void loadCalendar().then(({ createCalendar, dropBrokenTableRoles, PLUGINS }) => {
      if (gone || !host.current) return;
      calendar = createCalendar(host.current, PLUGINS, {
        view: 'resourceTimelineDay',
        date: toFloating(props.from, zone),
        timeZone: 'UTC',
        headerToolbar: { start: '', center: '', end: '' },
        firstDay: 1,
        height: 'auto',
        editable: true,
        selectable: true,
        eventDurationEditable: true,
        eventStartEditable: true,
        flexibleSlotTimeLimits: true,
        slotMinTime: '07:00',
        slotMaxTime: '21:00',
        nowIndicator: true,
        views: { resourceTimelineDay: { slotDuration: '00:30', slotWidth: 34, snapDuration: '00:15' } },
        eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
        slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
        resources: [],
        events: [],
        resourceLabelContent: (info) => ({ domNodes: laneLabel(info.resource.extendedProps as unknown as Lane) }),
        // Plain text (no DOM per event): a busy day draws hundreds of these.
        eventContent: (info) => eventText(info.event as unknown as BoardEvent, info.timeText),
        eventDidMount: (info) => {
          const p = info.event.extendedProps as BoardEvent['extendedProps'];
          info.el.setAttribute(p.kind === 'job' ? 'data-event-job' : 'data-event-slot', p.entityId);
          info.el.setAttribute('title', info.event.title as string);
        },
        select: (info) => {
          const lane = info.resource?.id;
          handlers.current.select(fromFloating(info.start, zoneRef.current), fromFloating(info.end, zoneRef.current), lane && lane !== UNASSIGNED ? String(lane) : null);
          calendar?.unselect();
        },
        eventClick: (info) => {
          const p = info.event.extendedProps as BoardEvent['extendedProps'];
          if (p.kind === 'job') handlers.current.open(p.entityId);
        },
        eventDrop: (info) => {
          const p = info.event.extendedProps as BoardEvent['extendedProps'];
          if (p.kind !== 'job' || !info.event.end) return info.revert();
          const z = zoneRef.current;
          handlers.current.move(
            p.entityId,
            fromFloating(info.event.start, z),
            fromFloating(info.event.end, z),
            info.oldResource ? String(info.oldResource.id) : undefined,
            info.newResource ? String(info.newResource.id) : undefined,
            info.revert,
          );
        },
        eventResize: (info) => {
          const p = info.event.extendedProps as BoardEvent['extendedProps'];
          if (p.kind !== 'job' || !info.event.end) return info.revert();
          const z = zoneRef.current;
          handlers.current.move(p.entityId, fromFloating(info.event.start, z), fromFloating(info.event.end, z), undefined, undefined, info.revert);
        },
      });
      cal.current = calendar;
      stopFixingRoles = dropBrokenTableRoles(host.current);
      setReady((n) => n + 1);
    });
    return () => {
      gone = true;
      stopFixingRoles();
      cal.current = null;
      if (calendar) void loadCalendar().then(({ destroyCalendar }) => destroyCalendar(calendar!));
    };
    // The component lives as long as the day view; options follow below.
  }, []);

  useEffect(() => {
    cal.current?.setOption('date', toFloating(props.from, zone));
  }, [props.from, zone, ready]);

  useEffect(() => {
    cal.current?.setOption(
      'resources',
      props.lanes.map((l) => ({ id: l.id, title: l.name, extendedProps: l as unknown as Record<string, unknown> })),
    );
  }, [props.lanes, ready]);

  // Hand the component only what changed: re-setting hundreds of events re-renders them all.
  const shown = useRef(new Map<string, string>());
  useEffect(() => {
    const calendar = cal.current;
    if (!calendar) return;
    const events = props.events;
    const next = new Map(events.map((e) => [e.id, JSON.stringify(e)]));
    const removed = [...shown.current.keys()].filter((id) => !next.has(id));
    const changed = events.filter((e) => shown.current.get(e.id) !== next.get(e.id));
    if (removed.length + changed.length > 100 || shown.current.size === 0) {
      calendar.setOption('events', events as never);
    } else {
      for (const id of removed) calendar.removeEventById(id);
      for (const e of changed) {
        if (shown.current.has(e.id)) calendar.updateEvent(e as never);
        else calendar.addEvent(e as never);
      }
    }
    shown.current = next;
  }, [props.events, ready]);

  return <div ref={host} class="board" id="board-timeline" />;
}

function laneLabel(lane: Lane | undefined): Node[] {
  const wrap = document.createElement('span');
  wrap.className = 'lane-label';
  if (!lane) return [wrap];
  const name = document.createElement('span');
  name.className = 'lane-name';
  name.textContent = lane.name;
  wrap.append(name);
  if (lane.id !== UNASSIGNED) {
    const dot = document.createElement('span');
    dot.className = `health h-${lane.health}`;
    dot.setAttribute('data-health', lane.health);
    dot.title = lane.healthDetail ? `${HEALTH_TEXT[lane.health]} (${lane.healthDetail})` : HEALTH_TEXT[lane.health];
    const text = document.createElement('span');
    text.className = 'sr-only';
    text.textContent = HEALTH_TEXT[lane.health];
    dot.append(text);
    wrap.append(dot);
  }
  return [wrap];
}

function eventText(event: BoardEvent, timeText: string): string {
  const status = event.extendedProps.kind === 'job' && event.extendedProps.status ? ` · ${STATUS_LABEL[event.extendedProps.status] ?? event.extendedProps.status}` : '';
  return `${timeText} ${event.extendedProps.conflict ? '⚠ ' : ''}${String(event.title)}${status}`;
}
