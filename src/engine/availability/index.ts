/** Owner availability and capacity: who can take a lead now, and the caps that stop them. */
export { capReached, combinedCaps, type CapLimits, type CapStatus } from './caps.ts';
export { checkAvailability, checkCaps, OwnerClock, ownerClock } from './owner-clock.ts';
export {
  nextAvailableAt,
  timedAvailability,
  type AvailabilityCheck,
  type AvailabilityStatus,
  type TimedCheck,
} from './owner-availability.ts';
