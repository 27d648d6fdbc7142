import { describe, expect, it } from 'vitest';
import { GitError } from './git-error.js';
import { splitTreePath } from './split-tree-path.js';

const url = 'https://git.example.com/fleet.git';
const commit = 'a'.repeat(40);

describe('splitTreePath', () => {
  it.each([
    ['', []],
    ['.', []],
    ['./', []],
    ['deploy', ['deploy']],
    ['deploy/web/', ['deploy', 'web']],
    ['./deploy//web/.', ['deploy', 'web']],
    ['a..b/..c', ['a..b', '..c']],
  ])('splits %j into %j', (path, segments) => {
    expect(splitTreePath(path, url, commit)).toEqual(segments);
  });

  it.each(['..', '../x', 'deploy/../..', 'deploy/..', '/etc', '/', 'C:\\repo', 'C:/repo'])('refuses %j as outside the repository', (path) => {
    let thrown: unknown;
    try {
      splitTreePath(path, url, commit);
    } catch (error) {
      thrown = error;
    }
    expect(GitError.is(thrown, 'PATH_OUTSIDE_REPOSITORY')).toBe(true);
    expect((thrown as GitError).message).toContain(JSON.stringify(path));
  });
});
