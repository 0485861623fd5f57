import { propfind, serviceDiscovery } from 'tsdav';
import type { RemoteCalendar } from '../calendar-provider';
import { ProviderError } from '../provider-error';
import { CaldavHttpError } from './caldav-errors';
import { assertOk, componentNames, DavClient, firstHref, hrefs, textOf, tzidOf, withSlash } from './dav-client';

/** Non-secret discovery results, kept as the account's metadata. */
export interface CaldavMetadata {
  principalUrl: string;
  homeUrl: string;
  userAddresses: string[];
}

/**
 * Finds the account behind a server URL (RFC 6764 service discovery, then the
 * current-user-principal of the first root that names one) and its calendar home and addresses.
 */
export async function discoverAccount(serverUrl: string, dav: DavClient): Promise<CaldavMetadata> {
  const principalUrl = await findPrincipal(serverUrl, dav.fetch);
  const [principal] = await propfind({
    url: principalUrl,
    depth: '0',
    props: { 'c:calendar-home-set': {}, 'c:calendar-user-address-set': {}, 'd:displayname': {} },
    fetch: dav.fetch,
  });
  assertOk(principal, 'PROPFIND principal');
  const homeHref = firstHref(principal.props?.calendarHomeSet);
  if (!homeHref) throw new ProviderError('Permanent', 'The CalDAV server names no calendar home for this account');
  return {
    principalUrl,
    homeUrl: withSlash(new URL(homeHref, principalUrl).href),
    userAddresses: hrefs(principal.props?.calendarUserAddressSet).filter((a) => /^mailto:/i.test(a)),
  };
}

/** The event calendars in the calendar home (collections that hold VEVENTs), with what the engine shows and needs. */
export async function listEventCalendars(dav: DavClient, homeUrl: string): Promise<RemoteCalendar[]> {
  const responses = await dav.propfind(homeUrl, '1', {
    'd:displayname': {},
    'd:resourcetype': {},
    'ca:calendar-color': {},
    'c:calendar-timezone': {},
    'c:supported-calendar-component-set': {},
    'd:current-user-privilege-set': {},
    'd:supported-report-set': {},
  });
  return responses
    .filter((r) => r.ok && r.href && Object.keys(r.props?.resourcetype ?? {}).includes('calendar'))
    .filter((r) => {
      const components = componentNames(r.props?.supportedCalendarComponentSet);
      return components.length === 0 || components.includes('VEVENT');
    })
    .map((r) => {
      const url = withSlash(new URL(r.href!, homeUrl).href);
      const privileges = JSON.stringify(r.props?.currentUserPrivilegeSet ?? {});
      const reports = JSON.stringify(r.props?.supportedReportSet ?? {});
      return {
        externalId: url,
        name: textOf(r.props?.displayname) || decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url),
        color: textOf(r.props?.calendarColor) || null,
        timezone: tzidOf(textOf(r.props?.calendarTimezone)),
        readOnly: privileges !== '{}' && !/"(write|writeContent|all)"/.test(privileges),
        metadata: { syncCollection: /syncCollection/.test(reports) },
      };
    });
}

async function findPrincipal(serverUrl: string, fetch: typeof globalThis.fetch): Promise<string> {
  const discovered = await serviceDiscovery({ account: { serverUrl, accountType: 'caldav' }, fetch }).catch(() => serverUrl);
  const candidates = [...new Set([discovered, serverUrl, new URL('/', serverUrl).href])];
  for (const root of candidates) {
    const [r] = await propfind({ url: root, depth: '0', props: { 'd:current-user-principal': {} }, fetch });
    if (r?.status === 401) throw new CaldavHttpError(401, 'PROPFIND current-user-principal');
    const href = r?.ok ? firstHref(r.props?.currentUserPrincipal) : undefined;
    if (href) return new URL(href, root).href;
  }
  throw new ProviderError('Permanent', 'No CalDAV principal found at this server URL');
}
