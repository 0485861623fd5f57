import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error';

/** Deeper JSON than this is refused (calbridge's own bodies are at most 3 levels deep). */
export const MAX_INPUT_DEPTH = 16;

/** NUL (Postgres text cannot hold it) and UTF-16 surrogates without their other half (not text at all). */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a value cannot be accepted, with the field it was found in. */
export interface InputProblem {
  code: 'INVALID_CHARACTERS' | 'INPUT_TOO_DEEP';
  field: string;
}

/**
 * Walks a parsed body, query or params (iteratively: no recursion a deep document could
 * overflow) and returns the first string or key that is not storable text, or the first place
 * nested deeper than {@link MAX_INPUT_DEPTH}.
 */
export function findInputProblem(value: unknown, root: string): InputProblem | null {
  const stack: Array<{ value: unknown; field: string; depth: number }> = [{ value, field: root, depth: 0 }];
  while (stack.length) {
    const { value: v, field, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSAFE_TEXT.test(v)) return { code: 'INVALID_CHARACTERS', field };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { code: 'INPUT_TOO_DEEP', field };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], field: `${field}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (UNSAFE_TEXT.test(key)) return { code: 'INVALID_CHARACTERS', field: `${field}.${key.replace(UNSAFE_TEXT, '?')}` };
      stack.push({ value: (v as Record<string, unknown>)[key], field: `${field}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

function toError(problem: InputProblem): ApiError {
  return problem.code === 'INPUT_TOO_DEEP'
    ? ApiError.badRequest('INPUT_TOO_DEEP', `The request nests deeper than ${MAX_INPUT_DEPTH} levels (at ${problem.field})`, {
        field: problem.field,
      })
    : ApiError.badRequest(
        'INVALID_CHARACTERS',
        `${problem.field} contains characters that are not text (a NUL byte or a lone UTF-16 surrogate)`,
        { field: problem.field },
      );
}

/**
 * Express middleware, after body parsing and before routing: refuses (400, stable codes, nothing
 * written) paths, query strings and bodies that Postgres or the validation pipe cannot take —
 * NUL bytes, lone surrogates, undecodable path escapes, documents nested deep enough to
 * overflow the stack of recursive validators.
 */
export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(ApiError.badRequest('INVALID_PATH', 'The path contains an invalid percent-encoding'));
  }
  if (UNSAFE_TEXT.test(path)) return next(toError({ code: 'INVALID_CHARACTERS', field: 'path' }));
  const problem = findInputProblem(req.query, 'query') ?? findInputProblem(req.body, 'body');
  next(problem ? toError(problem) : undefined);
}
