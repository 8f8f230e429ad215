/** The service's request context of an HTTP request: who asks, its request id, its address. */
import type { FastifyRequest } from 'fastify';
import { AccessError, SYSTEM_CONTEXT, type RequestContext } from '../service/index.ts';

/** The context the service records a change under. */
export function requestContext(request: FastifyRequest): RequestContext {
  if (!request.actor)
    return { ...SYSTEM_CONTEXT, requestId: request.id, clientAddress: request.ip };
  return { actor: request.actor, requestId: request.id, clientAddress: request.ip };
}

/** Keys of an owner a manager may change (availability); the rest needs `owners:write`. */
const AVAILABILITY_KEYS = new Set(['paused', 'paused_until', 'out_of_office', 'working_hours']);

/** Refuses an owner change beyond availability from an actor holding availability for its team only. */
export function checkAvailabilityKeys(request: FastifyRequest, patch: object): void {
  if (request.accessScope !== 'team') return;
  const others = Object.keys(patch).filter((k) => !AVAILABILITY_KEYS.has(k));
  if (others.length > 0) {
    throw new AccessError(
      'forbidden',
      `forbidden: changing ${others.join(', ')} needs the permission owners:write; a manager may change only ${[...AVAILABILITY_KEYS].join(', ')}`,
    );
  }
}
