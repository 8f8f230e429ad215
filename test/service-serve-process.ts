/**
 * A `leadrouter serve` process for the multi-process tests, configured by its environment
 * (DATABASE_URL, LEADROUTER_DATABASE_SCHEMA or LEADROUTER_DATA_DIR, PORT, LOG_LEVEL). Prints the
 * server's lines on stdout; on a start-up error prints it on stderr and exits with status 1.
 */
import { runServe } from '../src/cli/serve.ts';

try {
  await runServe({ host: '127.0.0.1' });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
