/**
 * Server settings: one JSON value per key in the `settings` table, each with its own check. A
 * change is audited in its transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { invalid } from '../errors.ts';
import { actorRef } from './actor.ts';
import { recordChange, type RequestContext } from './context.ts';
import { REQUIRED_APPROVALS_SETTING } from './approvals.ts';

/** The settings there are, what each means, and the check of its value. */
export const SETTINGS = {
  [REQUIRED_APPROVALS_SETTING]: {
    description:
      'approvals by other ops or admin actors a policy draft needs before publication (0: none)',
    check: (value: unknown) =>
      Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10
        ? undefined
        : 'expected a whole number from 0 to 10',
  },
} as const satisfies Record<
  string,
  { description: string; check: (value: unknown) => string | undefined }
>;
export type SettingKey = keyof typeof SETTINGS;

/** A setting as read. */
export interface SettingInfo {
  key: string;
  value: unknown;
  description: string;
  updated_by: string | null;
  updated_at: string;
}

/** Creates the settings service. */
export function createSettings(db: Kysely<Database>, clock: () => number) {
  async function listSettings(): Promise<SettingInfo[]> {
    const rows = await db.selectFrom('settings').selectAll().orderBy('key').execute();
    return rows
      .filter((r) => Object.hasOwn(SETTINGS, r.key))
      .map((r) => ({
        key: r.key,
        value: r.value,
        description: SETTINGS[r.key as SettingKey].description,
        updated_by: r.updated_by,
        updated_at: r.updated_at.toISOString(),
      }));
  }

  /** Changes settings (all or none: one bad value refuses the whole change). */
  async function updateSettings(
    values: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<SettingInfo[]> {
    const details = Object.entries(values).flatMap(([key, value]) => {
      if (!Object.hasOwn(SETTINGS, key)) {
        return [
          { path: key, message: `unknown setting; expected ${Object.keys(SETTINGS).join(', ')}` },
        ];
      }
      const problem = SETTINGS[key as SettingKey].check(value);
      return problem ? [{ path: key, message: problem }] : [];
    });
    if (details.length) {
      throw invalid(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
    }
    await db.transaction().execute(async (tx) => {
      for (const [key, value] of Object.entries(values)) {
        const before = await tx
          .selectFrom('settings')
          .select('value')
          .where('key', '=', key)
          .forUpdate()
          .executeTakeFirst();
        await tx
          .insertInto('settings')
          .values({
            key,
            value: JSON.stringify(value),
            updated_by: actorRef(ctx.actor),
            updated_at: new Date(clock()),
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              value: JSON.stringify(value),
              updated_by: actorRef(ctx.actor),
              updated_at: new Date(clock()),
            }),
          )
          .execute();
        await recordChange(tx, ctx, {
          action: 'setting.update',
          target: { type: 'setting', id: key },
          before: before?.value ?? null,
          after: value,
        });
      }
    });
    return listSettings();
  }

  return { listSettings, updateSettings };
}

/** The settings service's interface. */
export type Settings = ReturnType<typeof createSettings>;
