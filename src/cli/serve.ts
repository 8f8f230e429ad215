/**
 * `leadrouter serve`: the routing service. Reads the configuration once (flags over environment
 * over file), opens the database (embedded PGlite in a locked data directory, or PostgreSQL with
 * DATABASE_URL), applies pending migrations, optionally loads the demo data, and serves the HTTP
 * API until SIGINT or SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, createLogger, flushLogger } from '../api/app.ts';
import {
  ConfigError,
  loadConfig,
  redactDatabaseUrl,
  type Config,
  type ConfigInput,
} from '../config.ts';
import { createJobsMetrics } from '../jobs/metrics.ts';
import { registerSlaHandlers } from '../jobs/sla-handlers.ts';
import { createTimerRunner } from '../jobs/timer-runner.ts';
import { loadDemoData } from '../service/demo.ts';
import { createServices, type Services } from '../service/index.ts';
import { openStore, type Store } from '../store/database.ts';

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
  config: Config;
  store: Store;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
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
    if (config.demo) {
      const demo = await loadDemoData(store.db, services);
      logger.info(
        { demo },
        demo.loaded ? 'loaded the demo data' : `demo data not loaded: ${demo.skipped}`,
      );
    }
    app = await buildApp(services, {
      bodyLimit: config.bodyLimit,
      logger,
      validateResponses: config.validateResponses,
    });
    // Durable timers (SLA deadlines): every instance sweeps; a timer that fell due while no
    // instance ran fires now. PGlite has one connection: one sweep at a time.
    const jobsMetrics = createJobsMetrics(services.metrics.registry);
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
    }
    logger.info({ url, database: store.kind, location: store.location }, 'leadrouter started');

    const server = app;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await server.close();
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
    return { url, config, store, services, app: server, close };
  } catch (error) {
    await stopTimers?.().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

export { ConfigError };
