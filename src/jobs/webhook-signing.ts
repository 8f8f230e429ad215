/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, keyed by the secret `whsec_<base64>`. Signing and verifying go through the
 * `standardwebhooks` package, written by the specification's authors (pure JavaScript, runs on
 * Node 20), so leadrouter signs exactly as receivers using the same libraries verify.
 */
import { Webhook } from 'standardwebhooks';

/** The three headers of a signed delivery. */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const signers = new Map<string, Webhook>();

function signer(secret: string): Webhook {
  let webhook = signers.get(secret);
  if (!webhook) {
    webhook = new Webhook(secret);
    // Secrets are few (one per subscription); bound the cache anyway.
    if (signers.size > 1000) signers.clear();
    signers.set(secret, webhook);
  }
  return webhook;
}

/** Signs `body` (the exact bytes sent) as message `id` at `timestamp`. */
export function signWebhook(
  secret: string,
  id: string,
  timestamp: Date,
  body: string,
): WebhookSignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signer(secret).sign(id, timestamp, body),
  };
}

/**
 * Verifies a received delivery and returns its parsed body; throws when the signature does not
 * match or the timestamp is more than five minutes from now (the receiver's side, for tests and
 * for the snippet in docs/lifecycle.md).
 */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): unknown {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers))
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  return new Webhook(secret).verify(body, flat);
}
