/**
 * Pure analysis over the engine: what a set of decisions, or a change to a policy, amounts to.
 * Simulation, balance figures and policy diffs live here; so will reports' aggregation (the store
 * runs the queries, this layer sums their rows) and backtest and shadow-run comparisons. Like the
 * engine, everything here is a function of its arguments: no I/O, no clock, no randomness (the
 * caller passes `now`, timings and callbacks in), and lint holds it to that.
 *
 * The layer map, one sentence a layer (eslint.config.js holds each to it, and
 * test/lint-boundaries.test.ts proves every rule bites):
 * - engine imports no other layer: pure routing, no I/O, clock or randomness.
 * - analysis imports only the engine, and is pure like it.
 * - formats (parsing files into records) imports only the engine.
 * - store imports only the engine, formats and src/config.ts; never service, api, jobs or cli.
 * - service imports the layers below it (engine, analysis, formats, store, config); its public
 *   entry is service/index.ts.
 * - api and jobs import only the service's entry module, service/index.ts, and their own files.
 * - cli imports any layer but the store; cli/serve.ts, which wires the server, opens the store too.
 * - web/ (the dashboard to come) imports nothing from src/: it talks to /v1 over HTTP.
 */
export {
  simulateLeads,
  type ClosingSummary,
  type PoolDistribution,
  type SimulateOptions,
  type SimulationResult,
} from './simulate.ts';
export {
  summarizeDistribution,
  summarizeEntitlement,
  type DistributionSummary,
  type EntitledShare,
  type EntitlementSummary,
  type MemberOpportunity,
} from './distribution.ts';
export { availableTimeOf } from './available-time.ts';
export {
  closeAfterModel,
  closeTimeOf,
  describeCloseModel,
  NEVER_CLOSE,
  parseCloseModel,
  parseDelay,
  type CloseModel,
  type CloseTerm,
} from './close-model.ts';
export { diffPolicies, type PolicyChange } from './policy-diff.ts';
