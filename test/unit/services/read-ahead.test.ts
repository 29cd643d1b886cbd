import { readAhead } from '../../../src/services/gdc/document/chunks';

describe('readAhead', () => {
  it('asks for the next item while the current one is being used, and yields all in order', async () => {
    const events: string[] = [];
    async function* source() {
      for (let i = 0; i < 3; i++) {
        events.push(`build ${i}`);
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const item of readAhead(source())) {
      events.push(`use ${item}`);
      await new Promise((r) => setImmediate(r)); // the chunk's transaction upstream
      seen.push(item);
    }
    expect(seen).toEqual([0, 1, 2]);
    // Item 1 is built before item 0 is used (without readAhead: build 0, use 0, build 1).
    expect(events.slice(0, 3)).toEqual(['build 0', 'build 1', 'use 0']);
  });

  it('closes the source when the caller stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(source())) if (item === 2) break;
    expect(closed).toBe(true);
  });
});
