/**
 * The server process of the service benchmark: `leadrouter serve`, configured by its environment
 * (see src/config.ts), printing its URL on stdout.
 */
import { runServe } from '../src/cli/serve.ts';

try {
  await runServe({});
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
