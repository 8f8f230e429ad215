/**
 * Policy analysis beyond validity: what an ops admin should look at before publishing. Compiler
 * warnings (shadowed rules, overlapping territories, empty pools, no default queue) plus, when the
 * directory is known, owners the policy names that do not exist or can never take a lead.
 */
import { compilePolicy } from './compile.ts';
import { joinPath, type PolicyIssue } from './issues.ts';
import type { Directory } from './types.ts';

/** Every error and warning for a policy document, sorted errors first then by path. */
export function analyzePolicy(
  raw: unknown,
  options: { version?: string; directory?: Directory } = {},
): PolicyIssue[] {
  const { policy, issues } = compilePolicy(raw, { version: options.version ?? 'draft' });
  if (!policy) return sortIssues(issues);
  const owners = options.directory?.owners;
  const doc = policy.doc;

  if (owners) {
    const unknown = (id: string) => `unknown owner "${id}": not in the directory`;
    for (const [poolId, pool] of policy.pools) {
      const path = joinPath('pools', poolId);
      pool.members.forEach((m, i) => {
        const owner = owners.get(m.ownerId);
        if (!owner)
          issues.push({
            severity: 'warning',
            path: joinPath(joinPath(path, 'members'), i),
            message: unknown(m.ownerId),
          });
      });
      if (
        pool.members.length > 0 &&
        pool.members.every((m) => owners.get(m.ownerId)?.active !== true)
      ) {
        issues.push({
          severity: 'warning',
          path,
          message: 'no member is an active owner: every lead sent here falls through',
        });
      }
    }
    doc.rules.forEach((rule, r) => {
      [rule.assign, ...rule.fallback].forEach((t, step) => {
        if (typeof t === 'object' && 'owner' in t && !owners.has(t.owner)) {
          const at =
            step === 0
              ? joinPath(joinPath('rules', r), 'assign')
              : joinPath(joinPath(joinPath('rules', r), 'fallback'), step - 1);
          issues.push({
            severity: 'warning',
            path: joinPath(at, 'owner'),
            message: unknown(t.owner),
          });
        }
      });
    });
  }

  const used = new Set<string>();
  for (const rule of policy.rules)
    for (const t of rule.chain) if (t.kind === 'pool') used.add(t.pool.id);
  for (const poolId of policy.pools.keys()) {
    if (!used.has(poolId))
      issues.push({
        severity: 'warning',
        path: joinPath('pools', poolId),
        message: 'no rule sends leads to this pool',
      });
  }
  return sortIssues(issues);
}

function sortIssues(issues: PolicyIssue[]): PolicyIssue[] {
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
