import { throttleJob } from '../../../src/jobs/throttle';
import { type JobModel, type JobState, LocalJobUpdates } from '../../../src/jobs/updates';

const job = (done: number, state: JobState = 'RUNNING'): JobModel => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  progress: { total: 100, done, succeeded: done, failed: 0, bytesTotal: null, bytesDone: 0, etaSeconds: null, message: null },
  error: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  owner: 'o',
});

const timing = { minIntervalMs: 250, keepaliveMs: 5000 };

/** Pulls events into `got` (with the fake clock's time) until the iterator ends. */
function drain(it: AsyncIterableIterator<JobModel>, got: Array<{ at: number; done: number; state: JobState }>) {
  return (async () => {
    for await (const j of it) got.push({ at: Date.now(), done: j.progress.done, state: j.state });
  })();
}

describe('throttleJob', () => {
  let bus: LocalJobUpdates;
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    bus = new LocalJobUpdates();
  });
  afterEach(() => jest.useRealTimers());

  it('sends the first snapshot, then at most one event per 250 ms with the latest change, then the terminal state and ends', async () => {
    const got: Array<{ at: number; done: number; state: JobState }> = [];
    const finished = drain(throttleJob(job(0), (l) => bus.subscribe('j1', l), timing), got);
    await jest.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 40; i++) {
      bus.publish(job(i));
      await jest.advanceTimersByTimeAsync(20);
    }
    bus.publish(job(40, 'SUCCEEDED'));
    await jest.advanceTimersByTimeAsync(1000);
    await finished;
    expect(got[0]).toEqual({ at: 0, done: 0, state: 'RUNNING' });
    expect(got[got.length - 1]).toMatchObject({ done: 40, state: 'SUCCEEDED' });
    for (let i = 1; i < got.length; i++) {
      expect(got[i].at - got[i - 1].at).toBeGreaterThanOrEqual(250);
      expect(got[i].done).toBeGreaterThanOrEqual(got[i - 1].done);
    }
    // 800 ms of changes every 20 ms: events at 0, 250, 500, 750 and the terminal one at 1000.
    expect(got.map((g) => g.at)).toEqual([0, 250, 500, 750, 1000]);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });

  it('re-sends the latest state every 5 s while nothing changes', async () => {
    const got: Array<{ at: number; done: number; state: JobState }> = [];
    const it = throttleJob(job(3), (l) => bus.subscribe('j1', l), timing);
    void drain(it, got);
    await jest.advanceTimersByTimeAsync(12_000);
    expect(got.map((g) => [g.at, g.done])).toEqual([[0, 3], [5000, 3], [10_000, 3]]);
    await it.return!();
  });

  it('unsubscribes at once when the watcher goes away, even mid-wait', async () => {
    const it = throttleJob(job(0), (l) => bus.subscribe('j1', l), timing);
    await it.next();
    const pending = it.next();
    expect(bus['emitter'].listenerCount('j1')).toBe(1);
    await it.return!();
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });

  it('ends after the first event when the job has already ended', async () => {
    const it = throttleJob(job(5, 'FAILED'), (l) => bus.subscribe('j1', l), timing);
    expect((await it.next()).value?.state).toBe('FAILED');
    expect((await it.next()).done).toBe(true);
    expect(bus['emitter'].listenerCount('j1')).toBe(0);
  });
});
