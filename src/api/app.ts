/**
 * The HTTP API: a Fastify instance with zod schemas on every route, an OpenAPI 3.1 document at
 * /openapi.json and a browsable page at /docs, JSON errors in one shape, pino JSON logs with
 * request ids (never a lead's email or name at info level).
 */
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  createSerializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { pino, type Logger } from 'pino';
import { ServiceError, type Services } from '../service/index.ts';
import { errorBody, handleError, loggable } from './errors.ts';
import { registerOpenApi } from './openapi.ts';
import { FAST_CHECKS } from './schemas.ts';
import { UNSTORABLE_MESSAGE, unstorablePaths } from './storable.ts';
import { accountRoutes } from './routes/accounts.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { healthRoutes } from './routes/health.ts';
import { leadRoutes } from './routes/leads.ts';
import { touchRoutes } from './routes/touches.ts';
import { ownerRoutes } from './routes/owners.ts';
import { policyRoutes } from './routes/policies.ts';

export interface AppOptions {
  /** Largest request body in bytes (413 beyond). */
  bodyLimit?: number;
  /** A logger, or a level for a new pino logger on stdout. */
  logger?: Logger | string;
  /** Check every response against its schema (tests); otherwise responses are plain JSON.stringify. */
  validateResponses?: boolean;
  /** Version shown in the OpenAPI document. */
  version?: string;
}

/** Body types other than JSON, accepted only by the routes that document them. */
const TEXT_TYPES = [
  'text/csv',
  'application/csv',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];
/** Routes whose body may be text (CSV or YAML uploads). */
const TEXT_ROUTES = new Set([
  '/v1/owners/bulk',
  '/v1/accounts/bulk',
  '/v1/policies',
  '/v1/policies/:id',
  '/v1/policies/validate',
]);

/** Fields that never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.email',
  '*.first_name',
  '*.last_name',
  '*.name',
  '*.phone',
  'body',
];

/**
 * A pino logger on stdout. Lines are written asynchronously in chunks (a write per line would cost
 * a system call per request); `flushLogger` drains the buffer at shutdown.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192 });
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'leadrouter' } },
    destination,
  );
}

/** Writes out what an asynchronous logger still holds. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/**
 * One log line per request, when it completes (method, url, status, time, request id), instead of
 * Fastify's two; the arrival is logged at debug level.
 */
class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const fields = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...fields, err: loggable(error) }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/** Builds the app (routes registered, not listening). */
export async function buildApp(
  services: Services,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const logger =
    typeof options.logger === 'object' ? options.logger : createLogger(options.logger ?? 'info');
  const serverOptions: FastifyServerOptions = {
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    logController: new RequestLogController({ requestIdLogLabel: 'request_id' }),
    genReqId: () => randomUUID(),
    // The router treats /v1/leads/ and /v1/leads alike.
    routerOptions: { ignoreTrailingSlash: true },
  };
  const app = Fastify(serverOptions).withTypeProvider<ZodTypeProvider>();

  // Well-formed intake bodies are accepted by a plain check; zod sees the rest and names each problem.
  app.setValidatorCompiler((route) => {
    const zodValidate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
    const fast = FAST_CHECKS.get(route.schema as object);
    return fast
      ? (data: unknown) => (fast(data) ? { value: data } : zodValidate(data))
      : zodValidate;
  });
  app.setSerializerCompiler(
    options.validateResponses ? createSerializerCompiler({}) : () => (data) => JSON.stringify(data),
  );
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.addContentTypeParser(
    TEXT_TYPES,
    { parseAs: 'string', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  app.addHook('preValidation', async (request) => {
    if (typeof request.body === 'string' && !TEXT_ROUTES.has(request.routeOptions.url ?? '')) {
      const error = Object.assign(new Error('unsupported media type'), {
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        statusCode: 415,
      });
      throw error;
    }
    const paths = [
      ...unstorablePaths(request.body),
      ...unstorablePaths(request.query, 'query'),
      ...unstorablePaths(request.params, 'params'),
    ];
    if (paths.length > 0) {
      throw new ServiceError(
        'validation_failed',
        `invalid request: ${paths.map((path) => `${path}: ${UNSTORABLE_MESSAGE}`).join('; ')}`,
        paths.map((path) => ({ path, message: UNSTORABLE_MESSAGE })),
      );
    }
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await registerOpenApi(app, { version: options.version });

  await app.register(healthRoutes, { services });
  await app.register(leadRoutes, { services });
  await app.register(touchRoutes, { services });
  await app.register(ownerRoutes, { services });
  await app.register(accountRoutes, { services });
  await app.register(policyRoutes, { services });
  await app.register(decisionRoutes, { services });
  await app.ready();
  return app;
}
