import type { OAuthClientConfig } from '../oauth/oauth-authority';
import type { Clock } from './clock';
import type { NotificationDeliveryMode, NotificationTransport } from './notifier';

/** Options both emulators accept. Every one has a default suited to tests. */
export interface CommonEmulatorOptions {
  /** 0 (default) takes a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Base URL written into links (resourceUri, nextLink, deltaLink); default the bound URL. */
  publicUrl?: string;
  /** Time source for token, code, channel and subscription expiry and for timestamps. */
  clock?: Clock;
  /** `immediate` (default) or `manual` (held until `controls.notifications.flush()`). */
  notificationDelivery?: NotificationDeliveryMode;
  /** Replaces HTTP for outgoing notifications and validation requests. */
  notificationTransport?: NotificationTransport;
  /** Accounts that exist from the start (each with a primary calendar). Default: alice@example.com. */
  accounts?: Array<{ email: string; displayName?: string; timeZone?: string }>;
  /** Registered OAuth clients. Default: one development client (see README). */
  clients?: OAuthClientConfig[];
  /** Access-token lifetime; default 3600 s, as both providers. */
  accessTokenTtlSeconds?: number;
  /** Refuse authorization requests without PKCE; default true (calbridge always uses PKCE). */
  requirePkce?: boolean;
  /** Check that tokens carry the scopes a route needs; default true. */
  enforceScopes?: boolean;
  /** `login_hint` naming an unknown address creates that account; default true. */
  autoCreateAccounts?: boolean;
  /** Show an account picker to browsers on the authorize endpoint; default false. */
  consentPage?: boolean;
  /** One line per request and per notice; default silent. */
  log?: (line: string) => void;
}

export const DEFAULT_ACCOUNT = { email: 'alice@example.com', displayName: 'Alice Example' };
