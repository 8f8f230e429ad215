/**
 * Checking what a webhook subscription is made of: its URL (http or https only), its event types,
 * and a fresh Standard Webhooks secret. Errors name the field, like every validation error.
 */
import { randomBytes } from 'node:crypto';
import { invalid } from './errors.ts';

/** The events leadrouter publishes; a subscription may also ask for `*` (all of them). */
export const WEBHOOK_EVENT_TYPES = [
  'lead.assigned',
  'lead.reassigned',
  'lead.queued',
  'lead.touched',
  'sla.warning',
  'sla.breached',
  'lead.escalated',
  'policy.published',
  'webhook.disabled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The problem with a webhook URL, or undefined when it is an absolute http(s) URL. The message
 * names `url` (or the path given).
 */
export function describeWebhookUrlProblem(value: unknown, path = 'url'): string | undefined {
  if (typeof value !== 'string' || value.trim() === '')
    return `${path}: expected an absolute http or https URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${path}: ${JSON.stringify(value)} is not a URL; expected an absolute http or https URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${path}: scheme ${JSON.stringify(url.protocol.slice(0, -1))} is not allowed; expected http or https`;
  if (url.username || url.password)
    return `${path}: credentials in the URL are not allowed; the signature authenticates deliveries`;
  return undefined;
}

/** Returns the URL normalised, or throws a `validation_failed` error naming `url`. */
export function checkWebhookUrl(value: unknown, path = 'url'): string {
  const problem = describeWebhookUrlProblem(value, path);
  if (problem)
    throw invalid(`invalid body: ${problem}`, [{ path, message: problem.slice(path.length + 2) }]);
  return new URL(value as string).toString();
}

/** Returns the event types, deduplicated, or throws naming the bad one (`event_types[2]`). */
export function checkEventTypes(value: unknown, path = 'event_types'): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    const message = `expected a non-empty list of event types: ${WEBHOOK_EVENT_TYPES.join(', ')} or *`;
    throw invalid(`invalid body: ${path}: ${message}`, [{ path, message }]);
  }
  const known = new Set<string>([...WEBHOOK_EVENT_TYPES, '*']);
  const details = value.flatMap((t, i) =>
    typeof t === 'string' && known.has(t)
      ? []
      : [
          {
            path: `${path}[${i}]`,
            message: `unknown event type ${JSON.stringify(t)}; expected one of ${WEBHOOK_EVENT_TYPES.join(', ')} or *`,
          },
        ],
  );
  if (details.length > 0)
    throw invalid(`invalid body: ${details[0]!.path}: ${details[0]!.message}`, details);
  return [...new Set(value as string[])];
}

/** A new signing secret in the Standard Webhooks form, `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
