import { expect } from 'vitest';
import { GitError } from '../git-error.js';

/** The GitError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function gitRejection(promise: Promise<unknown>): Promise<GitError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  return error as GitError;
}
