/**
 * Kept so that `import type { AvailabilityStatus } from '../engine/availability.ts'` outside the
 * engine still resolves; the code lives in ./availability/. Import from the engine's index.
 */
export type { AvailabilityCheck, AvailabilityStatus } from './availability/index.ts';
