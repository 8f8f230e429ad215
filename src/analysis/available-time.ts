/**
 * How much working time an owner was available over a span: working hours (and holidays) less
 * out-of-office, as the engine's business calendar counts them, less a pause. Used to say what
 * share of a pool's leads each member was entitled to.
 */
import { businessTimeBetween, type EpochMs, type Owner } from '../engine/index.ts';

/**
 * The owner's available working time in [from, to), in ms: 0 for an inactive owner or one paused
 * with no end; a pause that ends within the span removes the working time before its end. The
 * directory is read as it is now, so a pause is assumed to have started before the span.
 */
export function availableTimeOf(owner: Owner | undefined, from: EpochMs, to: EpochMs): number {
  if (!owner || !owner.active || !(to > from)) return 0;
  if (owner.paused && owner.pausedUntil === undefined) return 0;
  const working = businessTimeBetween(owner, from, to);
  if (owner.paused && owner.pausedUntil !== undefined && owner.pausedUntil > from)
    return working - businessTimeBetween(owner, from, Math.min(owner.pausedUntil, to));
  return working;
}
