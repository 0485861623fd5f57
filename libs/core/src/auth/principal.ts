import { z } from 'zod';

export const ROLES = ['admin', 'dispatcher', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the host platform's token says. */
export interface Principal {
  role: Role;
  /** Staff id for staff tokens; the platform's user id otherwise (used in the audit trail). */
  subject: string;
  /** Set for staff tokens only. */
  staffId?: string;
  /** Venues a dispatcher may act in (admins act everywhere; staff act through their memberships). */
  venueIds: string[];
}

const uuid = z.string().uuid();

/** Claims of the host platform's HS256 token (see API.md "Authentication"). */
export const tokenClaimsSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), sub: z.string().min(1).max(200), exp: z.number() }),
  z.object({
    role: z.literal('dispatcher'),
    sub: z.string().min(1).max(200),
    venues: z.array(uuid).max(1000),
    exp: z.number(),
  }),
  z.object({ role: z.literal('staff'), sub: uuid, exp: z.number() }),
]);

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** Turns verified claims into a principal, or returns why they are unusable. */
export function principalFromClaims(claims: unknown): { principal: Principal } | { problem: string } {
  const parsed = tokenClaimsSchema.safeParse(claims);
  if (!parsed.success) {
    return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'claims'}: ${i.message}`).join('; ') };
  }
  const c = parsed.data;
  switch (c.role) {
    case 'admin':
      return { principal: { role: 'admin', subject: c.sub, venueIds: [] } };
    case 'dispatcher':
      return { principal: { role: 'dispatcher', subject: c.sub, venueIds: [...new Set(c.venues)] } };
    case 'staff':
      return { principal: { role: 'staff', subject: c.sub, staffId: c.sub, venueIds: [] } };
  }
}
