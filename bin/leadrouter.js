#!/usr/bin/env node
// Entry point of the `leadrouter` command. The sources are TypeScript, run through tsx's loader
// so that a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
