/**
 * Access control and the audit log: roles and permissions, API tokens, users and sessions, and
 * the hash-chained audit log. The API's authentication hook and the CLI call these.
 */
export * from './actor.ts';
export * from './roles.ts';
export * from './audit.ts';
export * from './context.ts';
export * from './access.ts';
export { hashPassword, verifyPassword, SCRYPT_PARAMS } from './passwords.ts';
export {
  TOKEN_PREFIX,
  generateTokenSecret,
  hashToken,
  isWellFormedToken,
  parseDuration,
} from './tokens.ts';
export * from './open.ts';
