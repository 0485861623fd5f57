import { Injectable, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { ApiError } from './api-error';

export interface FieldError {
  field: string;
  problems: string[];
}

/** Flattens class-validator's nested errors into `{ field: 'remote.url', problems: [...] }`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, problems: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The global validation pipe: unknown fields are rejected, payloads are transformed into DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      const summary = fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ');
      return ApiError.badRequest('VALIDATION_FAILED', summary || 'Request validation failed', { errors: fields });
    },
  });
}

/** `@Param('id', ParseIdPipe)`: 400 INVALID_ID unless the value is a UUID. */
@Injectable()
export class ParseIdPipe extends ParseUUIDPipe {
  constructor() {
    super({ exceptionFactory: () => ApiError.badRequest('INVALID_ID', 'Ids are UUIDs') });
  }
}

/**
 * For PATCH fields that may be left out but not cleared: absent skips validation, `null` is
 * validated like any other value and so refused (where `@IsOptional()` would let `null` through
 * to a NOT NULL column).
 */
export function IsOptionalNonNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
