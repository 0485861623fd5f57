/** SQLSTATE codes calbridge reacts to. */
export const PG_EXCLUSION_VIOLATION = '23P01';
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK_DETECTED = '40P01';

interface PgErrorLike {
  code?: string;
  constraint?: string;
  driverError?: { code?: string; constraint?: string };
}

/** The SQLSTATE of a pg / TypeORM error, if it has one. */
export function pgErrorCode(error: unknown): string | undefined {
  const e = error as PgErrorLike | undefined;
  return e?.driverError?.code ?? e?.code;
}

/** The constraint a pg / TypeORM error names, if any. */
export function pgConstraint(error: unknown): string | undefined {
  const e = error as PgErrorLike | undefined;
  return e?.driverError?.constraint ?? e?.constraint;
}

export function isPgError(error: unknown, code: string, constraint?: string): boolean {
  return pgErrorCode(error) === code && (constraint === undefined || pgConstraint(error) === constraint);
}
