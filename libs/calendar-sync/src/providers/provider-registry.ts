import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@calbridge/core';
import type { CalendarProvider } from './calendar-provider';
import { ProviderError } from './provider-error';

/** Multi-provider token: every provider module contributes its implementation under it. */
export const CALENDAR_PROVIDERS = Symbol('CALENDAR_PROVIDERS');

/** Providers by key. The engine asks here; it never switches on a provider name. */
@Injectable()
export class ProviderRegistry {
  private readonly byKey: ReadonlyMap<string, CalendarProvider>;

  constructor(@Inject(CALENDAR_PROVIDERS) providers: CalendarProvider[]) {
    const byKey = new Map<string, CalendarProvider>();
    for (const provider of providers) {
      if (byKey.has(provider.key)) throw new Error(`Two calendar providers claim the key "${provider.key}"`);
      byKey.set(provider.key, provider);
    }
    this.byKey = byKey;
  }

  get(key: string): CalendarProvider {
    const provider = this.byKey.get(key);
    if (!provider) throw ApiError.unprocessable('PROVIDER_UNAVAILABLE', `The calendar provider "${key}" is not enabled here`);
    return provider;
  }

  /** Runs a call to a provider: whatever it throws leaves as a ProviderError (the provider's classification). */
  async call<T>(provider: CalendarProvider, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.classify(provider, error);
    }
  }

  /** An error a provider call threw, as a ProviderError (already classified ones pass through). */
  classify(provider: CalendarProvider, error: unknown): ProviderError {
    return error instanceof ProviderError ? error : provider.classifyError(error);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }
}
