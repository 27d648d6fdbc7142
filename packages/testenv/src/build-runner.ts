import { spawn } from 'node:child_process';
import { ControlPlaneError, type ControlPlaneErrorData } from './control-plane-error.js';

/** Where a build script builds and how to report its progress; the defaults match `pnpm testenv:prepare`. */
export interface BuildOptions {
  /** Cache root, passed to the script in its cache variable; default: the script's own default. */
  cacheDir?: string;
  /** Receives the script's progress output (minutes of it on a cold build); default: this process's stderr. */
  onProgress?: (chunk: string) => void;
}

/** One of testenv's build scripts (k8s/build.sh, helm/build.sh) and what its output means. */
export interface BuildScript<T> {
  /** Absolute path of the bash script. */
  path: string;
  /** The environment variable naming its cache root (FLOTILLA_K8S_CACHE). */
  cacheVariable: string;
  /** Names the script in a BUILD_FAILED error. */
  component: ControlPlaneErrorData['component'];
  /** Turns the last line the script printed (a path in the cache) into the result. */
  resultOf: (printed: string) => T | Promise<T>;
}

const STDERR_KEPT = 8_000;

/**
 * Runs a build script once per cache root for the life of the process, however many callers ask at once, and
 * hands every caller the same result. A failed build is not kept, so a later call (after fixing Go, say) tries again.
 */
export class BuildRunner<T> {
  private readonly builds = new Map<string, Promise<T>>();

  constructor(private readonly script: BuildScript<T>) {}

  /** The build's result, building first if this process has not yet. */
  ensure(options: BuildOptions = {}): Promise<T> {
    const key = options.cacheDir ?? '';
    let build = this.builds.get(key);
    if (!build) {
      build = this.run(options).then(this.script.resultOf);
      build.catch(() => this.builds.delete(key));
      this.builds.set(key, build);
    }
    return build;
  }

  private async run(options: BuildOptions): Promise<string> {
    const { path, cacheVariable, component } = this.script;
    const env = { ...process.env };
    // Library code takes options, not env: an ambient cache variable must not redirect the build silently.
    delete env[cacheVariable];
    if (options.cacheDir !== undefined) env[cacheVariable] = options.cacheDir;
    const onProgress = options.onProgress ?? ((chunk: string) => process.stderr.write(chunk));

    const child = spawn('bash', [path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
      onProgress(chunk);
    });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((cause: unknown) => {
      throw new ControlPlaneError('BUILD_FAILED', `could not run ${path}: is bash installed?`, { component }, { cause });
    });
    const printed = stdout.trim().split('\n').pop() ?? '';
    if (exitCode !== 0 || printed === '') {
      throw new ControlPlaneError(
        'BUILD_FAILED',
        `${path} failed (exit ${exitCode ?? 'by signal'}); run it by hand to see the whole output`,
        { component, logTail: lastLines(stderr, 30) },
      );
    }
    return printed;
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
