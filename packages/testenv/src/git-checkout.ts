import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { runGit } from './git-command.js';

/** The identity testenv commits as; set per working copy, never in a global config. */
const COMMIT_IDENTITY = { name: 'Flotilla Test', email: 'test@flotilla.invalid' } as const;

/** A working copy driven by the plain `git` command: edit files, commit, tag and push like a user would. */
export class GitCheckout {
  private constructor(
    /** Directory of the working copy. */
    readonly dir: string,
    private readonly home: string,
  ) {}

  /** Clones `url` into `dir` (which must not exist or be empty) and sets the commit identity locally. */
  static async clone(url: string, dir: string, home: string): Promise<GitCheckout> {
    await mkdir(dir, { recursive: true });
    await runGit(['clone', '--quiet', url, '.'], { cwd: dir, home });
    return GitCheckout.configure(dir, home);
  }

  /** Starts a new repository in `dir` on `branch` whose `origin` is `remoteUrl`. */
  static async init(dir: string, remoteUrl: string, branch: string, home: string): Promise<GitCheckout> {
    await mkdir(dir, { recursive: true });
    await runGit(['init', '--quiet', `--initial-branch=${branch}`], { cwd: dir, home });
    await runGit(['remote', 'add', 'origin', remoteUrl], { cwd: dir, home });
    return GitCheckout.configure(dir, home);
  }

  private static async configure(dir: string, home: string): Promise<GitCheckout> {
    await runGit(['config', 'user.name', COMMIT_IDENTITY.name], { cwd: dir, home });
    await runGit(['config', 'user.email', COMMIT_IDENTITY.email], { cwd: dir, home });
    return new GitCheckout(dir, home);
  }

  /** Writes a file (relative path, parent directories created); stage and record it with commit(). */
  async write(path: string, content: string | Uint8Array): Promise<void> {
    const target = this.resolveInside(path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }

  /** Deletes a file or directory from the working copy; commit() records the deletion. */
  async remove(path: string): Promise<void> {
    await rm(this.resolveInside(path), { recursive: true, force: true });
  }

  /** Stages every change and commits it, returning the new commit id. */
  async commit(message: string): Promise<string> {
    await this.git(['add', '--all']);
    // Empty commits are allowed so a test can always produce a new revision to reconcile.
    await this.git(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message]);
    return this.head();
  }

  /** Creates a lightweight tag at HEAD, or an annotated one when a message is given; push() sends it. */
  async tag(name: string, message?: string): Promise<void> {
    await this.git(message === undefined ? ['tag', name] : ['tag', '--annotate', '-m', message, name]);
  }

  /** Pushes the current branch and all tags to origin. */
  async push(): Promise<void> {
    await this.git(['push', '--quiet', '--tags', 'origin', 'HEAD']);
  }

  /** The commit id HEAD points at. */
  async head(): Promise<string> {
    return this.git(['rev-parse', 'HEAD']);
  }

  /** Runs any other git command in this working copy and returns its stdout. */
  git(args: readonly string[]): Promise<string> {
    return runGit(args, { cwd: this.dir, home: this.home });
  }

  /** Refuses paths that would leave the working copy (absolute paths, `..`) or touch `.git`. */
  private resolveInside(path: string): string {
    const target = resolve(this.dir, path);
    const inside = relative(this.dir, target);
    if (inside === '' || isAbsolute(inside) || ['..', '.git'].includes(inside.split(/[\\/]/)[0] ?? '')) {
      throw new Error(`Path ${JSON.stringify(path)} is outside the working copy ${this.dir}; use a path relative to it`);
    }
    return target;
  }
}
