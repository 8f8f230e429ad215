/**
 * Pure analysis over the engine: what a set of decisions, or a change to a policy, amounts to.
 * Simulation, balance figures and policy diffs live here; so will reports' aggregation (the store
 * runs the queries, this layer sums their rows) and backtest and shadow-run comparisons. Like the
 * engine, everything here is a function of its arguments: no I/O, no clock, no randomness (the
 * caller passes `now`, timings and callbacks in), and lint holds it to that.
 *
 * The layer map, one sentence a layer (eslint.config.js enforces each):
 * - engine imports nothing of ours: pure routing, no I/O, clock or randomness.
 * - analysis imports only the engine: pure, like it.
 * - formats (file parsing) imports only the engine.
 * - store imports only the engine and formats, never service, api, jobs or cli.
 * - service imports engine, analysis, formats and store; its entry module is index.ts.
 * - api and jobs import only the service's entry module (and their own files).
 * - cli imports anything but the store; cli/serve.ts wires the server and the store.
 * - web/ (the dashboard) imports nothing from src/: it talks to /v1 over HTTP.
 */
export { simulateLeads, type SimulateOptions, type SimulationResult } from './simulate.ts';
export { summarizeDistribution, type DistributionSummary } from './distribution.ts';
export { diffPolicies, type PolicyChange } from './policy-diff.ts';
