import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';
import { throttleJob } from '../jobs/throttle';
import type { JobModel } from '../jobs/updates';

/** Both "no such job" and "another caller's job" (the latter must not be told apart). */
export function jobNotFound(id: string): GraphQLError {
  return new GraphQLError(`Job '${id}' does not exist.`, { extensions: { code: 'NOT_FOUND', argument: 'id', name: id } });
}

export const jobSubscriptions = {
  jobProgress: {
    subscribe: async (_: unknown, { id }: { id: string }, ctx: GatewayContext): Promise<AsyncIterableIterator<JobModel>> => {
      const { reader, updates, owner } = ctx.jobs;
      // Listen before reading so a change published while the store is read is not lost.
      let early: JobModel | null = null;
      const stop = updates.subscribe(id, (job) => (early = job));
      let current: JobModel | null;
      try {
        current = await reader.get(id, owner);
      } finally {
        stop();
      }
      if (!current || current.owner !== owner) throw jobNotFound(id);
      return throttleJob(early ?? current, (listener) => updates.subscribe(id, listener), ctx.jobs.timing);
    },
    // Each event is the job itself (not wrapped as { jobProgress }).
    resolve: (job: JobModel) => job,
  },
};
