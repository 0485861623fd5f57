import type { Principal } from '@calbridge/core';

/** Who made a change, as written to the audit trail. */
export interface Actor {
  type: 'user' | 'system' | 'customer';
  id: string;
  role?: string;
}

export function actorOf(principal: Principal): Actor {
  return { type: 'user', id: principal.subject, role: principal.role };
}

/** A background component acting on its own (sync engine, relay, demo seeding). */
export function systemActor(component: string): Actor {
  return { type: 'system', id: component };
}

/** A customer acting through their own booking (public booking page, manage link). */
export function customerActor(customerId: string): Actor {
  return { type: 'customer', id: customerId };
}
