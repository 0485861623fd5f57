/**
 * The web UI's script: plain browser JavaScript (no build step), talking to the same /v1 API as
 * everyone else with the caller's bearer token. Every value from the API reaches the page through
 * textContent or attributes, never through innerHTML.
 */
export const APP_JS = String.raw`'use strict';
(function () {
  const TOKEN_KEY = 'calbridge.token';
  const $ = (sel) => document.querySelector(sel);

  // ---------- tiny DOM helpers ----------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
    return node;
  }
  const section = (title, ...children) => el('section', { 'data-section': title }, el('h2', { text: title }), ...children);
  const empty = (text) => el('p', { class: 'empty', text });
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  function flash(message, isError) {
    const box = $('#flash');
    box.textContent = message;
    box.className = isError ? 'error' : '';
    box.hidden = false;
  }

  // ---------- token ----------
  function takeTokenFromFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get('token');
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    return params;
  }
  function claims(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part + '==='.slice((part.length + 3) % 4)));
    } catch (e) {
      return null;
    }
  }

  // ---------- API ----------
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || 'Request failed (' + status + ')');
      this.status = status;
      this.code = body && body.code;
    }
  }
  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn('Your session has ended; sign in again.');
      throw new ApiError(401, data);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }
  const guarded = (fn) => async (event) => {
    if (event && event.preventDefault) event.preventDefault();
    try {
      await fn(event);
    } catch (error) {
      if (error.status !== 401) flash(error.message, true);
    }
  };
  const isoFromLocal = (value) => (value ? new Date(value).toISOString() : '');

  // ---------- staff ----------
  async function renderStaff(staffId) {
    const content = $('#content');
    const [me, venues] = await Promise.all([api('GET', '/v1/staff/' + staffId), api('GET', '/v1/venues')]);
    $('#who').textContent = me.name + ' · staff';
    const venueName = new Map(venues.map((v) => [v.id, v.name]));
    content.replaceChildren(
      await feedsSection(staffId, venueName),
      await connectionsSection(staffId),
      await jobsSection({ staffId }, 'My next two weeks'),
      await conflictsSection('/v1/conflicts?status=open&staffId=' + staffId, 'My open conflicts'),
      await blockedSection(staffId),
    );
  }

  async function feedsSection(staffId, venueName) {
    let feeds;
    try {
      feeds = await api('GET', '/v1/staff/' + staffId + '/feeds');
    } catch (error) {
      return section('Calendar subscription (iCal)', empty(error.message));
    }
    const rows = feeds.map((feed) => {
      const url = el('input', { class: 'url', readonly: true, value: feed.url, 'aria-label': 'Feed URL for ' + (venueName.get(feed.venueId) || feed.venueId) });
      url.value = feed.url;
      const copy = el('button', { type: 'button', text: 'Copy', onclick: guarded(async () => {
        await navigator.clipboard.writeText(feed.url);
        flash('Feed URL copied. Paste it into your calendar app as a subscription.');
      }) });
      const names = el('input', { type: 'checkbox', checked: feed.includeClientNames, 'aria-label': 'Show client names' });
      names.addEventListener('change', guarded(async () => {
        await api('PATCH', '/v1/staff/' + staffId + '/feeds/' + feed.venueId, { includeClientNames: names.checked });
        flash(names.checked ? 'Client names (first name and initial) will show in this feed.' : 'Client names are hidden in this feed.');
      }));
      const regenerate = el('button', { type: 'button', class: 'danger', text: 'New link', onclick: guarded(async () => {
        if (!confirm('Make a new link? The old one stops working at once; calendars subscribed to it must be given the new one.')) return;
        await api('POST', '/v1/staff/' + staffId + '/feeds/' + feed.venueId + '/regenerate');
        flash('New feed link created; the old link no longer works.');
        await route();
      }) });
      const subscribe = el('a', { class: 'button', href: feed.webcalUrl, text: 'Subscribe' });
      const expiry = feed.status === 'active'
        ? el('span', { text: when(feed.expiresAt) })
        : el('span', { class: 'badge ' + (feed.status === 'expired' ? 'error' : 'syncing'), text: (feed.status === 'expired' ? 'expired ' : 'expires ') + when(feed.expiresAt) });
      return el('tr', { 'data-feed': feed.venueId },
        el('td', { text: feed.venueName || venueName.get(feed.venueId) || feed.venueId }),
        el('td', {}, url),
        el('td', {}, expiry),
        el('td', {}, el('label', { class: 'row' }, names, 'Client names')),
        el('td', {}, el('div', { class: 'row' }, subscribe, copy, regenerate)));
    });
    return section('Calendar subscription (iCal)',
      el('p', { class: 'muted', text: 'Subscribe to this private link in Apple Calendar, Google Calendar, Outlook or Thunderbird. Keep it to yourself: anyone with it can read your jobs.' }),
      feeds.length
        ? el('table', {}, el('thead', {}, el('tr', {}, ['Venue', 'Link', 'Expires', 'Privacy', ''].map((h) => el('th', { text: h })))), el('tbody', {}, rows))
        : empty('No venues yet.'));
  }

  async function connectionsSection(staffId) {
    let connections = [];
    try {
      connections = (await api('GET', '/v1/staff/' + staffId + '/connections')).filter((c) => c.status !== 'disconnected');
    } catch (error) {
      return section('Connected calendars', empty(error.message));
    }
    const cards = connections.map((c) => {
      const calendarsBox = el('div');
      const showCalendars = el('button', { type: 'button', text: 'Calendars', onclick: guarded(async () => {
        const calendars = (await api('GET', '/v1/connections/' + c.id + '/calendars')).filter((k) => !k.removed);
        const push = el('select', { 'aria-label': 'Push jobs into' }, calendars.filter((k) => !k.readOnly).map((k) => {
          const option = el('option', { value: k.id, text: k.name });
          option.selected = k.push;
          return option;
        }));
        const pulls = calendars.map((k) => {
          const box = el('input', { type: 'checkbox', value: k.id, checked: k.pull });
          return el('label', { class: 'row' }, box, k.name);
        });
        const save = el('button', { type: 'button', class: 'primary', text: 'Save', onclick: guarded(async () => {
          const pullCalendarIds = pulls.map((l) => l.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
          await api('PATCH', '/v1/connections/' + c.id, { pushCalendarId: push.value || undefined, pullCalendarIds });
          flash('Calendar choices saved.');
          await route();
        }) });
        calendarsBox.replaceChildren(
          el('p', {}, el('strong', { text: 'Jobs go into: ' }), push),
          el('p', {}, el('strong', { text: 'These calendars block my availability:' })),
          ...pulls,
          save,
        );
      }) });
      const resync = el('button', { type: 'button', text: 'Sync now', onclick: guarded(async () => {
        await api('POST', '/v1/connections/' + c.id + '/resync');
        flash('A full sync has started.');
        await route();
      }) });
      const removeEvents = el('input', { type: 'checkbox' });
      const disconnect = el('button', { type: 'button', class: 'danger', text: 'Disconnect', onclick: guarded(async () => {
        if (!confirm('Disconnect ' + c.accountEmail + '? calbridge stops syncing and forgets the credentials.')) return;
        await api('DELETE', '/v1/connections/' + c.id + (removeEvents.checked ? '?removePushedEvents=true' : ''));
        flash('Disconnected ' + c.accountEmail + '.');
        await route();
      }) });
      return el('div', { class: 'card', 'data-connection': c.id },
        el('div', { class: 'row' }, el('strong', { text: providerName(c.provider) }), el('span', { text: c.accountEmail }), el('span', { class: 'badge ' + c.status, text: c.status.replace('_', ' ') })),
        el('p', { class: 'muted', text: 'Last synced: ' + when(c.lastSyncedAt) + (c.lastError ? ' · ' + c.lastError : '') }),
        c.status === 'needs_reauth' ? el('p', { text: 'The calendar refused calbridge\'s access. Connect the account again to resume.' }) : null,
        el('div', { class: 'row' }, showCalendars, resync, el('label', { class: 'row' }, removeEvents, 'also remove pushed events'), disconnect),
        calendarsBox);
    });
    const oauth = (provider) => el('button', { type: 'button', class: 'primary', text: 'Connect ' + providerName(provider), onclick: guarded(async () => {
      const { url } = await api('GET', '/v1/staff/' + staffId + '/connections/' + provider + '/authorize');
      location.assign(url);
    }) });
    const user = el('input', { name: 'username', type: 'text', placeholder: 'name@icloud.com', required: true, autocomplete: 'username' });
    const password = el('input', { name: 'appPassword', type: 'password', placeholder: 'xxxx-xxxx-xxxx-xxxx', required: true, autocomplete: 'off' });
    const server = el('input', { name: 'serverUrl', type: 'url', placeholder: 'https://caldav.icloud.com (default)' });
    const caldav = el('form', { class: 'inline', onsubmit: guarded(async () => {
      const body = { username: user.value, appPassword: password.value };
      if (server.value) body.serverUrl = server.value;
      await api('POST', '/v1/staff/' + staffId + '/connections/caldav', body);
      password.value = '';
      flash('Calendar connected; the first sync is running.');
      await route();
    }) },
      el('label', {}, 'Apple ID / user name', user),
      el('label', {}, 'App-specific password', password),
      el('label', {}, 'CalDAV server', server),
      el('button', { type: 'submit', class: 'primary', text: 'Connect iCloud / CalDAV' }));
    return section('Connected calendars',
      el('p', { class: 'muted', text: 'Two-way sync: your jobs appear in your calendar, and your own events block your availability.' }),
      cards.length ? cards : empty('No calendar connected.'),
      el('div', { class: 'row' }, oauth('google'), oauth('microsoft')),
      el('p', { class: 'muted', text: 'iCloud needs an app-specific password (appleid.apple.com → Sign-In and Security → App-Specific Passwords).' }),
      caldav);
  }

  async function blockedSection(staffId) {
    const from = new Date();
    const to = new Date(from.getTime() + 30 * 86400000);
    const slots = await api('GET', '/v1/staff/' + staffId + '/blocked-slots?from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString()));
    const rows = slots.map((s) => el('tr', { 'data-slot': s.id },
      el('td', { text: when(s.startsAt) }), el('td', { text: when(s.endsAt) }),
      el('td', { text: s.source === 'manual' ? (s.reason || 'Blocked') : 'From a connected calendar' }),
      el('td', {}, s.source === 'manual' ? el('button', { type: 'button', class: 'danger', text: 'Remove', onclick: guarded(async () => {
        await api('DELETE', '/v1/staff/' + staffId + '/blocked-slots/' + s.id);
        flash('Blocked time removed.');
        await route();
      }) }) : null)));
    const start = el('input', { type: 'datetime-local', required: true, 'aria-label': 'From' });
    const end = el('input', { type: 'datetime-local', required: true, 'aria-label': 'Until' });
    const reason = el('input', { type: 'text', maxlength: 500, placeholder: 'Reason (optional)' });
    const form = el('form', { class: 'inline', onsubmit: guarded(async () => {
      await api('POST', '/v1/staff/' + staffId + '/blocked-slots', { startsAt: isoFromLocal(start.value), endsAt: isoFromLocal(end.value), reason: reason.value || undefined });
      flash('Time blocked.');
      await route();
    }) }, el('label', {}, 'From', start), el('label', {}, 'Until', end), el('label', {}, 'Reason', reason), el('button', { type: 'submit', text: 'Block time' }));
    return section('Blocked time (next 30 days)',
      rows.length ? el('table', {}, el('thead', {}, el('tr', {}, ['From', 'Until', 'What', ''].map((h) => el('th', { text: h })))), el('tbody', {}, rows)) : empty('Nothing blocked.'),
      form);
  }

  // ---------- shared ----------
  async function conflictsSection(path, title) {
    const conflicts = await api('GET', path);
    const rows = conflicts.map((c) => el('tr', { 'data-conflict': c.id },
      el('td', {}, el('span', { class: 'badge ' + c.status, text: c.status })),
      el('td', { text: (c.job.title || 'Job') + ' · ' + when(c.job.startsAt) }),
      el('td', { text: (c.blockedSlot.source === 'manual' ? (c.blockedSlot.reason || 'Blocked time') : 'Busy in a connected calendar') + ' · ' + when(c.blockedSlot.startsAt) + ' – ' + when(c.blockedSlot.endsAt) }),
      el('td', { text: when(c.detectedAt) })));
    return section(title, rows.length
      ? el('table', {}, el('thead', {}, el('tr', {}, ['Status', 'Job', 'Overlaps', 'Since'].map((h) => el('th', { text: h })))), el('tbody', {}, rows))
      : empty('No conflicts.'));
  }

  async function jobsSection(filter, title, staffName) {
    const from = new Date();
    const to = new Date(from.getTime() + (filter.staffId ? 14 : 7) * 86400000);
    const params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: '200' });
    if (filter.staffId) params.set('staffId', filter.staffId);
    if (filter.venueId) params.set('venueId', filter.venueId);
    const page = await api('GET', '/v1/jobs?' + params.toString());
    const rows = page.items.map((j) => el('tr', { 'data-job': j.id },
      el('td', { text: when(j.startsAt) }),
      el('td', { text: j.title + (j.service && j.service !== j.title ? ' · ' + j.service : '') }),
      el('td', {}, el('span', { class: 'badge', text: j.status.replace('_', ' ') })),
      staffName ? el('td', { text: j.assignments.map((a) => staffName.get(a.staffId) || a.staffId).join(', ') || 'unassigned' }) : null));
    const headers = ['When', 'Job', 'Status'].concat(staffName ? ['Staff'] : []);
    return section(title, rows.length
      ? el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { text: h })))), el('tbody', {}, rows))
      : empty('No jobs.'));
  }

  // ---------- dispatchers and admins ----------
  async function renderDispatcher(role) {
    const content = $('#content');
    const venues = await api('GET', '/v1/venues');
    $('#who').textContent = role;
    if (!venues.length) {
      content.replaceChildren(section('Venues', empty('No venues in your scope.')));
      return;
    }
    const params = new URLSearchParams(location.hash.slice(1));
    const venueId = venues.some((v) => v.id === params.get('venue')) ? params.get('venue') : venues[0].id;
    const picker = el('select', { 'aria-label': 'Venue' }, venues.map((v) => {
      const option = el('option', { value: v.id, text: v.name + ' (' + v.timezone + ')' });
      option.selected = v.id === venueId;
      return option;
    }));
    picker.addEventListener('change', () => {
      location.hash = 'venue=' + picker.value;
    });
    const staff = await api('GET', '/v1/staff?venueId=' + venueId);
    const staffName = new Map(staff.map((s) => [s.id, s.name]));
    content.replaceChildren(
      section('Venue', picker),
      await conflictsSection('/v1/conflicts?status=open&venueId=' + venueId, 'Open conflicts'),
      await jobsSection({ venueId }, 'Jobs in the next 7 days', staffName),
    );
  }

  // ---------- routing ----------
  function providerName(key) {
    return { google: 'Google Calendar', microsoft: 'Outlook', caldav: 'iCloud / CalDAV' }[key] || key;
  }
  function showSignIn(message) {
    $('#content').replaceChildren();
    $('#sign-in').hidden = false;
    $('#sign-out').hidden = true;
    $('#who').textContent = '';
    if (message) flash(message, true);
  }
  async function route() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const c = token && claims(token);
    if (!c || (c.exp && c.exp * 1000 < Date.now())) {
      showSignIn(token ? 'That token has expired or is not valid.' : '');
      return;
    }
    $('#sign-in').hidden = true;
    $('#sign-out').hidden = false;
    if (c.role === 'staff') await renderStaff(c.sub);
    else await renderDispatcher(c.role);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const params = takeTokenFromFragment();
    if (params.get('connected')) flash(providerName(params.get('connected')) + ' is connected; the first sync is running.');
    if (params.get('error')) flash('Connecting the calendar failed (' + params.get('error') + '). Try again.', true);
    if (params.has('connected') || params.has('error')) history.replaceState(null, '', location.pathname);
    $('#token-form').addEventListener('submit', guarded(async () => {
      sessionStorage.setItem(TOKEN_KEY, $('#token-input').value.trim());
      $('#token-input').value = '';
      $('#flash').hidden = true;
      await route();
    }));
    $('#sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignIn('Signed out.');
    });
    window.addEventListener('hashchange', guarded(route));
    guarded(route)();
  });
})();
`;
