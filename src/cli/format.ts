/** Rendering decisions, summaries and issues for a person at a terminal. */
import {
  describeCandidate,
  formatIssue,
  type Decision,
  type PolicyIssue,
} from '../engine/index.ts';
import type { DistributionSummary, PoolDistribution, SimulationResult } from '../analysis/index.ts';

export function formatIssues(file: string, issues: readonly PolicyIssue[]): string {
  return issues.map((i) => `${file}: ${i.severity}: ${formatIssue(i)}`).join('\n');
}

/** A decision as a few readable lines; with its explanation when it has one. */
export function formatDecision(decision: Decision): string {
  const lines: string[] = [];
  const head =
    decision.outcome === 'assigned'
      ? `ASSIGNED to ${decision.ownerId}`
      : decision.outcome === 'queued'
        ? `QUEUED in ${decision.queueId}`
        : 'UNROUTABLE';
  lines.push(
    `${head}${decision.ruleId ? `  (rule ${decision.ruleId}${decision.poolId ? `, pool ${decision.poolId}` : ''})` : ''}`,
  );
  if (decision.reason) lines.push(`  reason: ${decision.reason}`);
  if (decision.retryAt !== undefined)
    lines.push(`  retry at: ${new Date(decision.retryAt).toISOString()}`);
  const x = decision.explanation;
  if (!x) return lines.join('\n');
  lines.push(`  ${x.summary}`, `  policy version: ${x.policyVersion}`);
  const derived = Object.entries(x.derived)
    .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`);
  if (derived.length) lines.push(`  derived: ${derived.join(', ')}`);
  lines.push(
    x.account
      ? `  account: ${x.account.name} (${x.account.accountId}) by ${x.account.method}, score ${x.account.score.toFixed(2)}`
      : '  account: no match',
  );
  lines.push('  rules:');
  for (const r of x.rules)
    lines.push(
      `    ${r.matched ? '✓' : '✗'} ${r.ruleId}${r.failedClause ? `: ${r.failedClause}` : ''}`,
    );
  lines.push('  targets:');
  for (const a of x.attempts) {
    lines.push(
      `    ${a.step === 0 ? 'primary' : `fallback ${a.step}`}: ${a.target}${a.strategy ? ` [${a.strategy}]` : ''} → ${a.result}${a.reason ? ` (${a.reason})` : ''}`,
    );
    for (const c of a.candidates ?? [])
      lines.push(`      ${c.status === 'chosen' ? '→' : ' '} ${describeCandidate(c)}`);
    if (a.figures) lines.push(`      figures: ${JSON.stringify(a.figures)}`);
  }
  return lines.join('\n');
}

function fmtSummary(d: DistributionSummary): string {
  const ratio = Number.isFinite(d.maxMinRatio) ? d.maxMinRatio.toFixed(2) : '∞';
  return `min ${d.min}, max ${d.max}, max/min ${ratio}, Gini ${d.gini.toFixed(3)}`;
}

function table(rows: ReadonlyArray<readonly [string, string | number]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${String(v).padStart(7)}`);
}

export function formatSimulation(r: SimulationResult): string {
  const pct = (n: number) => `${n} (${r.count ? ((100 * n) / r.count).toFixed(1) : '0.0'}%)`;
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [
    `Routed ${r.count} leads${r.elapsedMs !== undefined ? ` in ${(r.elapsedMs / 1000).toFixed(2)} s` : ''}`,
    `  assigned ${pct(r.byOutcome.assigned)}, queued ${pct(r.byOutcome.queued)}, unroutable ${pct(r.byOutcome.unroutable)}`,
    '',
    'Rule hits',
    ...table(sorted(r.byRule)),
  ];
  if (r.byQueue.size) lines.push('', 'Queued by queue', ...table(sorted(r.byQueue)));
  lines.push('', `Leads per owner (${fmtSummary(r.distribution)})`, ...table(sorted(r.byOwner)));
  lines.push(
    '',
    `Closing: ${r.closing.model}; ${r.closing.closed} closed within the span, ${r.closing.openAtEnd} open at the end`,
  );
  if (r.reassignment) {
    const x = r.reassignment;
    lines.push(
      '',
      `Reassignment triggers (reassign_on): ${x.changes} later rows changed an earlier lead`,
      ...table([
        ['reassigned', x.reassigned],
        ['owner kept', x.kept],
        ['loop guard → overflow queue', x.overflowed],
      ]),
    );
  }
  lines.push('', 'Leads per pool (entitled = share of weight × available hours)');
  for (const [poolId, d] of Object.entries(r.pools)) {
    lines.push(`  ${poolId}: ${d.total} leads over ${d.owners} members; ${fmtSummary(d)}`);
    lines.push(...fmtEntitlement(d));
  }
  return lines.join('\n');
}

const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;

/** Each member's leads and share against entitlement, and the pool's largest deviation. */
function fmtEntitlement(d: PoolDistribution): string[] {
  const e = d.entitlement;
  const width = Math.max(0, ...e.members.map((m) => m.ownerId.length));
  const rows = e.members.map(
    (m) =>
      `      ${m.ownerId.padEnd(width)}  ${String(m.count).padStart(5)}  ${(100 * m.share).toFixed(1).padStart(5)}%  ${m.availableHours.toFixed(0).padStart(5)} h  entitled ${(100 * m.entitledShare).toFixed(1).padStart(5)}%  ${pts(m.deviation).padStart(6)} pts`,
  );
  return [
    `    largest deviation from entitlement: ${(100 * e.largestDeviation).toFixed(1)} pts (${e.largestDeviationOwner ?? '-'})`,
    ...rows,
  ];
}
