import type { IncomingMessage } from 'node:http';
import { wantsEventStream } from '../../../src/http/sse-subscriptions';

const asking = (accept: string | undefined, method = 'POST') => wantsEventStream({ method, headers: accept === undefined ? {} : { accept } } as IncomingMessage);

describe('wantsEventStream: the event stream only when the client prefers it', () => {
  it.each([
    ['text/event-stream', true],
    ['TEXT/Event-Stream', true],
    // urql's subscriptions over SSE
    ['text/event-stream, multipart/mixed', true],
    ['application/json;q=0.1, text/event-stream', true],
    // urql's queries and mutations: JSON first, the stream only as a fallback
    ['application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed', false],
    ['text/event-stream;q=0.5, application/json', false],
    ['application/json', false],
    ['*/*', false],
    ['text/*', false],
  ])('Accept: %s -> %s', (accept, expected) => {
    expect(asking(accept)).toBe(expected);
  });

  it('decides a header over 1 KiB by its first entry alone, in well under a millisecond', () => {
    const padding = ', a/b;q=0.1'.repeat(1600);
    const started = process.hrtime.bigint();
    expect(asking(`text/event-stream${padding}`)).toBe(true);
    expect(asking(`application/json${padding}, text/event-stream`)).toBe(false);
    expect(asking(`text/event-stream-x${padding}`)).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5);
  });

  it('never without an Accept header, nor for methods other than GET and POST', () => {
    expect(asking(undefined)).toBe(false);
    expect(asking('text/event-stream', 'GET')).toBe(true);
    expect(asking('text/event-stream', 'PUT')).toBe(false);
  });
});
