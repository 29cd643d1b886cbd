import { makeExecutableSchema } from '@graphql-tools/schema';
import { type ExecutionResult, parse, subscribe } from 'graphql';
import { loadTypeDefs } from '../../../src/schema';
import { resolvers } from '../../../src/resolvers';
import { type JobModel, type JobState, LocalJobUpdates } from '../../../src/jobs/updates';

const job = (done: number, state: JobState = 'RUNNING', owner = 'alice'): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 10, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  owner,
});

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
const document = parse('subscription { jobProgress(id: "j1") { id state progress { done } } }');

describe('Subscription.jobProgress (resolver)', () => {
  it("streams the owner's job to SUCCEEDED, monotonic, and unsubscribes at the end", async () => {
    const bus = new LocalJobUpdates();
    const stored = job(0);
    const ctx = { jobs: { reader: { get: async (id: string, owner: string) => (id === stored.id && owner === stored.owner ? stored : null) }, updates: bus, owner: 'alice', timing: { minIntervalMs: 10, keepaliveMs: 1000 } } };
    const it = (await subscribe({ schema, document, contextValue: ctx })) as AsyncIterableIterator<ExecutionResult>;
    const got: Array<{ state: string; done: number }> = [];
    const reading = (async () => {
      for await (const r of it) {
        expect(r.errors).toBeUndefined();
        const p = r.data!.jobProgress as { state: string; progress: { done: number } };
        got.push({ state: p.state, done: p.progress.done });
      }
    })();
    // Subscribed (the first event is the stored job), then ten updates well within one 10 ms
    // interval, whatever the machine's speed (timers 4 ms apart stretched past 10 ms on a busy one):
    // the ones in between are coalesced, the last always delivered.
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i <= 10; i++) {
      await Promise.resolve();
      bus.publish(job(i, i === 10 ? 'SUCCEEDED' : 'RUNNING'));
    }
    await reading;
    expect(got[0]).toEqual({ state: 'RUNNING', done: 0 });
    expect(got[got.length - 1]).toEqual({ state: 'SUCCEEDED', done: 10 });
    expect(got.length).toBeLessThan(11);
    for (let i = 1; i < got.length; i++) expect(got[i].done).toBeGreaterThan(got[i - 1].done);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });

  it("gives another owner NOT_FOUND and leaves no listener", async () => {
    const bus = new LocalJobUpdates();
    const stored = job(0);
    const ctx = { jobs: { reader: { get: async (id: string, owner: string) => (owner === stored.owner ? stored : null) }, updates: bus, owner: 'mallory' } };
    const r = (await subscribe({ schema, document, contextValue: ctx })) as ExecutionResult;
    expect(r.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(r.errors?.[0].message).toBe("Job 'j1' does not exist.");
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });
});
