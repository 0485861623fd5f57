import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { isValidTimeZone, parseCalendarDate, parseInstant } from '@calbridge/core';
import { IsInt, IsOptional, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';

/** ISO 8601 date-time with an explicit offset or Z. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an ISO 8601 date-time with an offset, e.g. 2026-03-29T10:00:00+02:00', ...options },
      validator: { validate: (value: unknown) => parseInstant(value) !== null },
    });
}

/** ISO 8601 date-time with an offset, or a calendar date `YYYY-MM-DD` (all-day jobs). */
export function IsInstantOrDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstantOrDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be an ISO 8601 date-time with an offset, or a date (YYYY-MM-DD) for all-day jobs',
        ...options,
      },
      validator: { validate: (value: unknown) => parseInstant(value) !== null || parseCalendarDate(value) !== null },
    });
}

/** An IANA time zone name such as Europe/Berlin. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an IANA time zone such as Europe/Berlin', ...options },
      validator: { validate: (value: unknown) => isValidTimeZone(value) },
    });
}

/** Trims surrounding whitespace from string input (other types pass through to their validators). */
export function Trim(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}

/** An optional page size (`?limit=`): a whole number from 1 to `max`; query strings arrive as text. */
export function PageLimit(max = 1000): PropertyDecorator {
  return applyDecorators(IsOptional(), Type(() => Number), IsInt(), Min(1), Max(max));
}
