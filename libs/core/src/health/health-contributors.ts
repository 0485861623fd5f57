import { Injectable } from '@nestjs/common';

/** What a library reports about itself in GET /health. */
export interface HealthReport {
  up: boolean;
  details: Record<string, unknown>;
}

/**
 * Health checks that libraries add (scheduling: the outbox's lag), so that `/health` reports
 * them without core knowing the libraries. Register from `onModuleInit`.
 */
@Injectable()
export class HealthContributors {
  private readonly checks = new Map<string, () => Promise<HealthReport>>();

  register(name: string, check: () => Promise<HealthReport>): void {
    this.checks.set(name, check);
  }

  entries(): Array<[string, () => Promise<HealthReport>]> {
    return [...this.checks.entries()];
  }
}
