/**
 * `leadrouter serve`: the routing service. Reads the configuration once (flags over environment
 * over file), opens the database (embedded PGlite in a locked data directory, or PostgreSQL with
 * DATABASE_URL), applies pending migrations, optionally loads the demo data, and serves the HTTP
 * API until SIGINT or SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, createLogger, flushLogger } from '../api/app.ts';
import type { RateLimits } from '../api/auth.ts';
import {
  ConfigError,
  loadConfig,
  redactDatabaseUrl,
  type Config,
  type ConfigInput,
} from '../config.ts';
import { registerSlaHandlers } from '../jobs/sla-handlers.ts';
import { createTimerRunner } from '../jobs/timer-runner.ts';
import { loadDemoData } from '../service/demo.ts';
import { createServices, type Services } from '../service/index.ts';
import { openStore, type Store } from '../store/database.ts';
import { createJobsMetrics, type JobsMetrics } from '../jobs/metrics.ts';
import {
  createWebhookDispatcher,
  type DispatcherLog,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../jobs/webhook-dispatcher.ts';

import { createDeliveryStore } from '../store/webhooks-repo.ts';

/** Flags of the `serve` command; anything not given comes from the environment or the file. */
export interface ServeOptions {
  host?: string;
  port?: number | string;
  /** Embedded data directory (`--data`). */
  data?: string;
  databaseUrl?: string;
  demo?: boolean;
  config?: string;
  logLevel?: string;
  /** Print the start-up lines (default true). */
  announce?: boolean;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/** A running server. */
export interface RunningServer {
  url: string;
  /**
   * Secrets printed at start: the first start's admin token (empty database) and, with --demo,
   * one token per role.
   */
  tokens: { bootstrap?: string; demo: Array<{ role: string; secret: string }> };
  config: Config;
  store: Store;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The team the demo's manager token manages (a team of examples/owners.yaml). */
const DEMO_TEAM = 'central';

/**
 * Rate limits from the environment: RATE_LIMIT_TOKEN, RATE_LIMIT_SESSION and
 * RATE_LIMIT_ANONYMOUS (requests per minute per credential or address); unset keeps the defaults
 * of src/api/auth.ts.
 */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): RateLimits {
  const read = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigError(
        `${name}: expected a whole number of requests per minute, got ${JSON.stringify(value)}`,
      );
    }
    return n;
  };
  const limits: RateLimits = {};
  const token = read('RATE_LIMIT_TOKEN');
  const session = read('RATE_LIMIT_SESSION');
  const anonymous = read('RATE_LIMIT_ANONYMOUS');
  if (token !== undefined) limits.token = token;
  if (session !== undefined) limits.session = session;
  if (anonymous !== undefined) limits.anonymous = anonymous;
  return limits;
}

/** Starts the service; resolves once it listens. Throws ConfigError or a store error at once. */
export async function runServe(options: ServeOptions = {}): Promise<RunningServer> {
  const config = loadConfig({
    configFile: options.config,
    host: options.host,
    port: options.port,
    dataDir: options.data,
    databaseUrl: options.databaseUrl,
    demo: options.demo,
    logLevel: options.logLevel as ConfigInput['logLevel'],
  });
  const logger = createLogger(config.logLevel);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
    poolSize: config.poolSize,
  });
  let app: FastifyInstance | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let stopTimers: (() => Promise<void>) | undefined;
  try {
    if (store.migrationsApplied.length)
      logger.info({ migrations: store.migrationsApplied }, 'applied migrations');
    const services = createServices({
      store,
      maxBatch: config.maxBatch,
      concurrency: config.routingConcurrency,
      cacheTtlMs: config.cacheTtlMs,
    });
    // First start: an empty database gets an admin token, printed once (no default password).
    const bootstrap = await services.access.ensureBootstrapAdmin();
    const demoTokens = config.demo ? await services.access.createDemoTokens(DEMO_TEAM) : [];
    if (config.demo) {
      const demo = await loadDemoData(store.db, services);
      logger.info(
        { demo },
        demo.loaded ? 'loaded the demo data' : `demo data not loaded: ${demo.skipped}`,
      );
    }
    const jobsMetrics = createJobsMetrics(services.metrics.registry);
    dispatcher = startWebhookDispatcher(store, services, { metrics: jobsMetrics, log: logger });
    app = await buildApp(services, {
      rateLimits: rateLimitsFromEnv(process.env),
      bodyLimit: config.bodyLimit,
      logger,
      validateResponses: config.validateResponses,
    });
    // Durable timers (SLA deadlines): every instance sweeps; a timer that fell due while no
    // instance ran fires now. PGlite has one connection: one sweep at a time.
    const timers = createTimerRunner({
      store: services.lifecycle.timerStore(),
      concurrency: store.kind === 'pglite' ? 1 : 2,
      metrics: jobsMetrics,
      onError: (error) => logger.warn({ err: error }, 'timer sweep failed'),
      onTimerError: (timer, error, retryAt) =>
        logger.warn({ err: error, timer: timer.id, kind: timer.kind, retryAt }, 'timer failed'),
    });
    registerSlaHandlers(timers, services, jobsMetrics);
    services.lifecycle.onTimersScheduled((dueAt) => timers.nudge(dueAt));
    timers.start();
    stopTimers = () => timers.stop();
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    const where =
      store.kind === 'pglite'
        ? `embedded PGlite in ${store.location}`
        : `PostgreSQL at ${config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : store.location}`;
    if (options.announce !== false) {
      console.log(`leadrouter listening on ${url}  (API docs: ${url}/docs)`);
      console.log(`data: ${where}`);
      if (bootstrap) {
        console.log('');
        console.log(
          'First start: an admin API token was created. It is shown only now; keep it safe:',
        );
        console.log(`  export TOKEN=${bootstrap.secret}`);
      }
      if (demoTokens.length) {
        console.log('');
        console.log('Demo tokens, one per role (paste a line into your shell, then use $TOKEN):');
        for (const t of demoTokens) {
          console.log(
            `  export TOKEN=${t.secret}  # ${t.role}${t.role === 'manager' ? ` of team ${DEMO_TEAM}` : ''}`,
          );
        }
      }
      if (bootstrap || demoTokens.length) {
        console.log('');
        console.log(`  curl -H "Authorization: Bearer $TOKEN" ${url}/v1/owners`);
      }
    }
    logger.info({ url, database: store.kind, location: store.location }, 'leadrouter started');

    const server = app;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await server.close();
        await dispatcher?.stop();
        await timers.stop();
        await store.close();
        await flushLogger(logger);
      })());
    if (options.handleSignals !== false) {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    }
    return {
      url,
      tokens: {
        bootstrap: bootstrap?.secret,
        demo: demoTokens.map((t) => ({ role: t.role, secret: t.secret })),
      },
      config,
      store,
      services,
      app: server,
      close,
    };
  } catch (error) {
    await stopTimers?.().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await dispatcher?.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

export { ConfigError };

/**
 * Starts the webhook dispatcher over the store's deliveries, woken by every commit that wrote
 * outbound events. The server stops it before closing the store.
 */
export function startWebhookDispatcher(
  store: Store,
  services: Services,
  options: Omit<WebhookDispatcherOptions, 'store'> & { metrics?: JobsMetrics; log?: DispatcherLog },
): WebhookDispatcher {
  const dispatcher = createWebhookDispatcher({
    ...options,
    store: createDeliveryStore(store.db),
  });
  services.events.onCommitted(() => dispatcher.nudge());
  dispatcher.start();
  return dispatcher;
}
