/**
 * Errors on the wire: every failure is `{"error": {"code", "message", "details": [{"path",
 * "message"}]}}`, with the status from one table. Fastify's own errors (bad JSON, oversized body,
 * unsupported media type, schema validation) are translated into the same shape.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  AccessError,
  ServiceError,
  type ErrorCode as ServiceErrorCode,
  toServiceError,
  type ErrorDetail,
} from '../service/index.ts';

/** Codes only HTTP produces: the body or the request line is wrong before any use case runs. */
export const HTTP_ERROR_CODES = [
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
] as const;

/** Codes of authentication and authorisation (AccessError). */
export const ACCESS_ERROR_CODES = ['unauthorized', 'forbidden', 'rate_limited'] as const;

/** Every code an error response carries: the service's, access control's and HTTP's own. */
export type ErrorCode =
  ServiceErrorCode | (typeof HTTP_ERROR_CODES)[number] | (typeof ACCESS_ERROR_CODES)[number];

/** The one place error codes meet HTTP statuses. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  policy_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_conflict: 409,
  not_a_draft: 409,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** Every error code, for the error schema. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

export function errorBody(
  code: ErrorCode,
  message: string,
  details: readonly ErrorDetail[] = [],
): ErrorBody {
  return { error: { code, message, details: [...details] } };
}

/** An error body and status for a ServiceError. */
export function fromServiceError(error: ServiceError): { status: number; body: ErrorBody } {
  return {
    status: ERROR_STATUS[error.code],
    body: errorBody(error.code, error.message, error.details),
  };
}

const CONTEXT_PREFIX: Record<string, string> = {
  body: '',
  querystring: 'query.',
  params: 'params.',
  headers: 'headers.',
};

/** Fastify's error handler: maps every error to the error shape, logging only the unexpected. */
export function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof AccessError) {
    // 401 asks for a credential; 429 says when to come back.
    if (error.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer');
    if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  }
  const { status, body } = translate(error);
  if (status >= 500) request.log.error({ err: loggable(error) }, 'request failed');
  void reply.status(status).send(body);
}

/**
 * What of an unexpected error goes to the log: its kind, message, code and stack. Database errors
 * carry the failing row's data in `detail` and `where` (a lead's email, say), which must not reach
 * the logs.
 */
export function loggable(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    stack: error.stack,
  };
}

function translate(error: FastifyError): { status: number; body: ErrorBody } {
  if (error instanceof ServiceError) return fromServiceError(error);
  if (error instanceof AccessError) {
    return { status: ERROR_STATUS[error.code], body: errorBody(error.code, error.message) };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const prefix = CONTEXT_PREFIX[error.validationContext ?? 'body'] ?? '';
    const at = (path: string) => `${prefix}${path}`.replace(/\.$/, '') || '(body)';
    const details = error.validation.flatMap((v) => {
      const path = pointerToPath(v.instancePath);
      const branch = v.keyword === 'invalid_union' ? matchingBranch(v.params) : undefined;
      if (branch) {
        return branch.map((issue) => ({
          path: at(issue.path.reduce<string>(appendPath, path)),
          message: issue.message,
        }));
      }
      // An unknown key is named where it is, not at the object holding it.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : [];
      return Array.isArray(keys) && keys.length > 0
        ? keys.map((key: string) => ({ path: at(appendPath(path, key)), message: 'unknown key' }))
        : [{ path: at(path), message: v.message ?? 'invalid' }];
    });
    const where =
      error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
    return {
      status: 400,
      body: errorBody(
        'validation_failed',
        `invalid ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
        details,
      ),
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: errorBody('payload_too_large', `request body too large: ${error.message}`),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: errorBody(
          'unsupported_media_type',
          'unsupported Content-Type; this endpoint takes application/json (some also text/csv or application/yaml)',
        ),
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: errorBody('invalid_json', 'the request body is empty; expected JSON', [
          { path: '(body)', message: 'empty' },
        ]),
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_json', error.message) };
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return {
      status: 400,
      body: errorBody('invalid_json', `the request body is not valid JSON: ${error.message}`, [
        { path: '(body)', message: error.message },
      ]),
    };
  }
  // A database error that left a service as it was: the service says whether it is the request's
  // fault (a value that cannot be stored).
  const fromDatabase = toServiceError(error);
  if (fromDatabase instanceof ServiceError) return fromServiceError(fromDatabase);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code: ErrorCode =
      error.statusCode === 404
        ? 'not_found'
        : error.statusCode === 413
          ? 'payload_too_large'
          : error.statusCode === 415
            ? 'unsupported_media_type'
            : 'validation_failed';
    return { status: error.statusCode, body: errorBody(code, error.message) };
  }
  return { status: 500, body: errorBody('internal', 'internal error') };
}

/** `/leads/3/email` → `leads[3].email`. */
function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce<string>((path, seg) => appendPath(path, /^\d+$/.test(seg) ? Number(seg) : seg), '');
}

/** `leads` + 3 → `leads[3]`; `leads[3]` + `email` → `leads[3].email`. */
function appendPath(path: string, seg: PropertyKey): string {
  return typeof seg === 'number'
    ? `${path}[${seg}]`
    : path
      ? `${path}.${String(seg)}`
      : String(seg);
}

interface UnionIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

/**
 * The problems of the alternative a value was meant for, when a union refuses it: the one whose
 * type matched at the top (a list given for the list alternative) with the fewest problems. "Invalid
 * input" alone would not name the field at fault. Undefined when no alternative's type matched.
 */
function matchingBranch(params: unknown): UnionIssue[] | undefined {
  const branches = (params as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(branches)) return undefined;
  let best: UnionIssue[] | undefined;
  for (const issues of branches as UnionIssue[][]) {
    if (!Array.isArray(issues) || issues.length === 0) continue;
    if (issues.some((i) => i.code === 'invalid_type' && i.path.length === 0)) continue;
    if (!best || issues.length < best.length) best = issues;
  }
  return best;
}
