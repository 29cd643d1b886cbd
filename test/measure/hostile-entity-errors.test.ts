import { formatReport } from '../support/hostile';
import { describeHostile } from '../support/hostile-suite';
import { cases } from '../hostile/cases/entity-errors';

/**
 * Entity errors worded from upstream messages that echo hostile values (issues 13 and 18), against
 * a production-mode gateway process on the embedded sandbox: each case answered with the right
 * code, memory back within 256 MB over idle after a full GC, another caller's p99 under 100 ms
 * meanwhile, the process alive afterwards.
 */
describeHostile('hostile entity errors', cases, {
  log: formatReport,
  check: (report, c) => {
    expect(report.outcome.code).toBe(c.expected.code);
    if (c.expected.limit) expect(report.outcome.limit).toBe(c.expected.limit);
    if (c.expected.errors !== undefined) expect((report.outcome.detail as { errors: number }).errors).toBe(c.expected.errors);
  },
  timeoutMs: 120_000,
});
