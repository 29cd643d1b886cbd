import { cases, expected } from '../hostile/cases/graphql';
import { describeHostile } from '../support/hostile-suite';

/**
 * Hostile GraphQL/JSON inputs at the sizes (issue 18), each against a production-mode
 * gateway process: the right refusal, RSS growth < 256 MB after a full GC, another caller's p99
 * under 100 ms meanwhile, and the gateway alive afterwards.
 */
describeHostile('hostile GraphQL inputs', cases, {
  log: (report) => JSON.stringify(report, (k, v) => (k === 'detail' ? undefined : v)),
  check: (report, c) => {
    const want = expected[c.name];
    expect({ status: report.outcome.status, code: report.outcome.code, limit: report.outcome.limit }).toEqual({ status: want.status, code: want.code, limit: want.limit });
    if (want.answer) expect(report.outcome.detail).toMatch(want.answer);
  },
  timeoutMs: 300_000,
});
