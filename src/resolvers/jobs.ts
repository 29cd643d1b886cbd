import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context';
import { throttleJob } from '../jobs/throttle';
import type { JobModel, JobState } from '../jobs/updates';
import { jobResultPage } from '../jobs/result';
import { spoolCreateEntities, spoolPatchRecords, spoolUploadFile } from '../jobs/spool';
import type { JobResolvers, MutationResolvers, QueryResolvers } from '../generated/resolvers-types';
import { badInput } from '../services/documents';

const MAX_JOBS_PAGE = 100;

/** The caller's job, or NOT_FOUND (also for another caller's). */
async function ownJob(ctx: GatewayContext, id: string): Promise<JobModel> {
  const job = await ctx.jobs.reader.get(id, ctx.jobs.owner);
  if (!job) throw jobNotFound(id);
  return job;
}

/** With tracing on, the starting operation's span: the job's runs are traced in its trace. */
const starterTrace = (ctx: GatewayContext) => ctx.request.trace?.propagation() ?? null;

export const jobMutations: Pick<MutationResolvers, 'startCreateEntities' | 'startPatchRecords' | 'startUploadFile' | 'cancelJob' | 'resumeJob'> = {
  startCreateEntities: async (_p, { input }, ctx) => ctx.jobs.runner.start(await spoolCreateEntities(input, ctx), ctx.request.credentials, ctx.jobs.owner, starterTrace(ctx)),
  startPatchRecords: async (_p, { input }, ctx) => ctx.jobs.runner.start(await spoolPatchRecords(input, ctx), ctx.request.credentials, ctx.jobs.owner, starterTrace(ctx)),
  startUploadFile: async (_p, { input }, ctx) => ctx.jobs.runner.start(await spoolUploadFile(input), ctx.request.credentials, ctx.jobs.owner, starterTrace(ctx)),
  cancelJob: async (_p, { id }, ctx) => ctx.jobs.runner.cancel(await ownJob(ctx, id)),
  resumeJob: async (_p, { id }, ctx) => ctx.jobs.runner.resume(await ownJob(ctx, id), ctx.request.credentials),
};

export const jobQueries: Pick<QueryResolvers, 'job' | 'jobs'> = {
  job: (_p, { id }, ctx) => ctx.jobs.reader.get(id, ctx.jobs.owner),
  jobs: async (_p, { state, first, after }, ctx) => {
    const size = first ?? 25;
    if (!Number.isInteger(size) || size < 0 || size > MAX_JOBS_PAGE) throw badInput(`first must be between 0 and ${MAX_JOBS_PAGE}, got ${size}`, 'first');
    const { store, owner } = ctx.jobs;
    if (after && !(await ctx.jobs.reader.get(after, owner))) throw badInput(`after must be the endCursor of a page of your jobs, got '${after}'`, 'after');
    const page = await store.list(owner, (state as JobState | null) ?? null, size, after ?? null);
    const edges = page.jobs.map((job) => ({ cursor: job.id, node: job }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: await store.count(owner, (state as JobState | null) ?? null),
    };
  },
};

export const jobFields: JobResolvers = {
  result: (job, { first, after }, ctx) => jobResultPage(ctx.jobs.store, job.id, first ?? 100, after),
};

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
