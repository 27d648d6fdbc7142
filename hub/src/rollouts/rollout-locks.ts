import { Injectable } from '@nestjs/common';

/**
 * One app's rollout state changes one at a time: the planner (called by the assignments controller) and the REST
 * operations take the app's lock, so none of them reads a state another is about to overwrite.
 */
@Injectable()
export class RolloutLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` once every earlier task of the app has finished. */
  run<T>(app: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(app) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(app, tail);
    void tail.then(() => {
      if (this.tails.get(app) === tail) this.tails.delete(app);
    });
    return result;
  }
}
