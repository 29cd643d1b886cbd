import { Writable } from 'node:stream';
import { display } from '../../../src/cli/job/watch';
import { exitCodeOf, type JobView, line } from '../../../src/cli/job/render';

const job = (state: JobView['state'], done: number, total: number | null, etaSeconds: number | null = null): JobView => ({
  id: 'j1',
  kind: 'createEntities',
  state,
  error: null,
  progress: { total, done, succeeded: done, failed: 0, etaSeconds, message: null },
});

/** What a display wrote, as a terminal or as a log file. */
function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const s = new Writable({ write: (chunk, _enc, done) => ((text += chunk), done()) }) as unknown as NodeJS.WriteStream;
  Object.assign(s, { isTTY, columns: 100 });
  return { stream: s, text: () => text };
}

describe('job watch display', () => {
  it('on a terminal draws one bar: STATE, n of N and the job\'s own ETA', async () => {
    const out = stream(true);
    const d = display(out.stream);
    // Events come at least 250 ms apart; the bar redraws at most every 100 ms.
    const pause = () => new Promise((r) => setTimeout(r, 150));
    d.show(job('RUNNING', 0, 300, 90));
    await pause();
    d.show(job('RUNNING', 150, 300, 65));
    await pause();
    d.show(job('SUCCEEDED', 300, 300));
    d.stop();
    const text = out.text();
    expect(text).toContain('RUNNING [');
    expect(text).toContain('] 150 of 300, ETA 1 min 5 s');
    expect(text).toContain('SUCCEEDED [');
    expect(text).toContain('] 300 of 300, ETA ?');
  });

  it('elsewhere writes a line only when what it says changes (heartbeats repeat the job)', () => {
    const out = stream(false);
    const d = display(out.stream);
    for (const j of [job('QUEUED', 0, null), job('RUNNING', 0, 300, 3), job('RUNNING', 0, 300, 3), job('RUNNING', 100, 300, 2), job('SUCCEEDED', 300, 300)]) d.show(j);
    expect(out.text()).toBe(
      ['QUEUED 0 of ? (0 succeeded, 0 failed), ETA ?', 'RUNNING 0 of 300 (0 succeeded, 0 failed), ETA 3 s', 'RUNNING 100 of 300 (100 succeeded, 0 failed), ETA 2 s', 'SUCCEEDED 300 of 300 (300 succeeded, 0 failed)', ''].join('\n'),
    );
  });

  it('exit codes: 0 SUCCEEDED, 1 FAILED or CANCELLED, 3 not finished', () => {
    expect(['SUCCEEDED', 'FAILED', 'CANCELLED', 'RUNNING', 'QUEUED'].map((s) => exitCodeOf(job(s as JobView['state'], 0, 1)))).toEqual([0, 1, 1, 3, 3]);
    expect(line({ ...job('FAILED', 6, 6), error: 'Chunk 3 of 3 failed' })).toBe('FAILED 6 of 6 (6 succeeded, 0 failed), error: Chunk 3 of 3 failed');
  });
});
