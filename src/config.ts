/**
 * The service's configuration: parsed once at start from flags, environment and an optional file
 * (in that order of precedence), validated with zod, and frozen. A bad value fails at once with a
 * message naming its source and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { z } from 'zod';
import { ValidationError } from './engine/index.ts';
import { parseStructuredText } from './formats/common.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A whole number given as a number or as decimal digits (flags and the environment are text):
 * `0x10`, `1e3` or `80abc` are refused rather than read some other way.
 */
const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: `must be a whole number from ${min} to ${max}, in decimal digits` })
      .int()
      .min(min)
      .max(max),
  );

const configSchema = z.strictObject({
  /** Interface to listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one. */
  port: wholeNumber(0, 65535).default(3000),
  /** Embedded PGlite data directory, used when `databaseUrl` is not set. */
  dataDir: z.string().min(1).default('./data'),
  /** PostgreSQL connection string; when set, the service uses PostgreSQL instead of PGlite. */
  databaseUrl: z.string().min(1).optional(),
  /** PostgreSQL schema to keep the tables in (created if missing); default `public`. */
  databaseSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a lower-case SQL identifier' })
    .optional(),
  /** PostgreSQL connections per process. */
  poolSize: wholeNumber(2, 200).default(10),
  /** Load the examples (policy, owners, accounts) into an empty database. */
  demo: z.boolean().default(false),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** Largest request body accepted, in bytes (413 beyond). */
  bodyLimit: wholeNumber(1024, 2 ** 31 - 1).default(8 * 1024 * 1024),
  /** Most leads committed together in one transaction (group commit); 1,000 keeps a batch statement under PostgreSQL's 65,535 parameters. */
  maxBatch: wholeNumber(1, 1000).default(200),
  /** Routing transactions in flight at once per process on PostgreSQL (PGlite: always 1). */
  routingConcurrency: wholeNumber(1, 32).default(2),
  /**
   * How long (ms) the cached owners, accounts and policy schedule go unchecked under load: changes
   * made through another instance reach this one within this time. 0 checks before every batch.
   */
  cacheTtlMs: wholeNumber(0, 60_000).default(0),
  /** Validate every response against its schema (slower; on in tests). */
  validateResponses: z.boolean().default(false),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
/** Configuration as given by a caller (flags or a test): every key optional. */
export type ConfigInput = z.input<typeof configSchema> & { configFile?: string };

/** Environment variables and the configuration key each one sets. */
const ENV_KEYS: Record<string, keyof z.infer<typeof configSchema>> = {
  HOST: 'host',
  PORT: 'port',
  LEADROUTER_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  LEADROUTER_DATABASE_SCHEMA: 'databaseSchema',
  LEADROUTER_POOL_SIZE: 'poolSize',
  LEADROUTER_DEMO: 'demo',
  LOG_LEVEL: 'logLevel',
  LEADROUTER_BODY_LIMIT: 'bodyLimit',
  LEADROUTER_MAX_BATCH: 'maxBatch',
  LEADROUTER_ROUTING_CONCURRENCY: 'routingConcurrency',
  LEADROUTER_CACHE_TTL_MS: 'cacheTtlMs',
  LEADROUTER_VALIDATE_RESPONSES: 'validateResponses',
};

/** Invalid configuration; the message lists every bad key with where it came from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Merges flags over environment over file and validates the result. `env` defaults to
 * `process.env`; the file is `flags.configFile` or `LEADROUTER_CONFIG` (YAML or JSON).
 */
export function loadConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const { configFile: flagFile, ...flagValues } = flags;
  const file = flagFile ?? env.LEADROUTER_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '')
      fromEnv[key] = key === 'demo' || key === 'validateResponses' ? parseBoolean(value) : value;
  }
  const sources = new Map<string, string>();
  for (const key of Object.keys(fromFile)) sources.set(key, `file ${file}`);
  for (const [name, key] of Object.entries(ENV_KEYS))
    if (key in fromEnv) sources.set(key, `environment ${name}`);
  const definedFlags = Object.fromEntries(
    Object.entries(flagValues).filter(([, v]) => v !== undefined),
  );
  for (const key of Object.keys(definedFlags)) sources.set(key, 'flag');

  const merged = { ...fromFile, ...fromEnv, ...definedFlags };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const line = (key: string, message: string) =>
      `  ${key} (from ${sources.get(key.split('.')[0]!) ?? 'default'}): ${message}`;
    const lines = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) =>
            line(
              key,
              `unknown setting; the settings are ${Object.keys(configSchema.shape).join(', ')}`,
            ),
          )
        : [line(issue.path.join('.') || '(config)', issue.message)],
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  return Object.freeze({ ...config, dataDir: resolve(config.dataDir) });
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
    value = parseStructuredText(text, format, 'configuration');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigError(
      `configuration file ${file}: ${error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(`configuration file ${file}: expected a map of settings`);
  return value as Record<string, unknown>;
}

function parseBoolean(value: string): boolean | string {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return value;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
