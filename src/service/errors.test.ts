import { describe, expect, it } from 'vitest';
import { ValidationError, type PolicyIssue } from '../engine/index.ts';
import { fromIssues, readOrFail, ServiceError } from './errors.ts';

const issues: PolicyIssue[] = [
  { severity: 'error', path: 'owners[0].time_zone', message: 'is required' },
  { severity: 'warning', path: 'rules[1]', message: 'never matches' },
  { severity: 'error', path: '', message: 'not valid YAML: bad indentation' },
];

describe('fromIssues, the one conversion from validation issues to a service error', () => {
  it('keeps the errors only, each as a detail, under a validation_failed code by default', () => {
    const error = fromIssues(issues, { message: (n) => `invalid owners: ${n} problem(s)` });
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('invalid owners: 2 problem(s)');
    expect(error.details).toEqual([
      { path: 'owners[0].time_zone', message: 'is required' },
      { path: '', message: 'not valid YAML: bad indentation' },
    ]);
  });

  it('rewrites paths and messages when asked, with another code', () => {
    const error = fromIssues(issues, {
      code: 'policy_invalid',
      message: 'the policy is not valid YAML',
      path: (path) => path || 'source',
      describe: (i) => `${i.path || '(document)'}: ${i.message}`,
    });
    expect(error.code).toBe('policy_invalid');
    expect(error.details.map((d) => d.path)).toEqual(['owners[0].time_zone', 'source']);
    expect(error.details[1]!.message).toBe('(document): not valid YAML: bad indentation');
  });
});

describe('readOrFail', () => {
  it('returns what the reader returns', () => {
    expect(readOrFail(() => 42, { message: 'never' })).toBe(42);
  });

  it('turns a ValidationError into the service error, and lets any other error through', () => {
    const thrown = () =>
      readOrFail(
        () => {
          throw new ValidationError(issues, 'owners');
        },
        { message: 'invalid owners' },
      );
    expect(thrown).toThrow(ServiceError);
    expect(thrown).toThrow('invalid owners');
    const other = new TypeError('boom');
    expect(() =>
      readOrFail(
        () => {
          throw other;
        },
        { message: 'never' },
      ),
    ).toThrow(other);
  });
});
