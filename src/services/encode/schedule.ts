/** Why an item was not run. */
export type SkipReason =
  | { kind: 'dependency'; on: number }
  | { kind: 'cycle' }
  /** `at`/`why`: the record and error that stopped the batch, when an earlier run (a job's slice) met them. */
  | { kind: 'stopped'; at?: number; why?: string };

/**
 * Runs `work(i)` for every item, at most `limit` at a time, earliest input first, each item only
 * after the items it depends on have finished. `work` resolves true when the item can be depended
 * on (it was written, or exists); when it cannot, the items that depend on it are skipped. Items
 * still waiting at the end depend on each other in a cycle. After `stopped()` turns true nothing
 * new starts.
 */
export async function runWithDependencies(
  dependsOn: number[][],
  limit: number,
  work: (i: number) => Promise<boolean>,
  skip: (i: number, reason: SkipReason) => void,
  stopped: () => boolean = () => false,
): Promise<void> {
  const count = dependsOn.length;
  const waitingOn = dependsOn.map((deps, i) => new Set(deps.filter((j) => j !== i && j >= 0 && j < count)));
  const dependents: number[][] = Array.from({ length: count }, () => []);
  waitingOn.forEach((deps, i) => deps.forEach((j) => dependents[j].push(i)));
  const settled = new Array<boolean>(count).fill(false);
  const ready: number[] = [];
  waitingOn.forEach((deps, i) => deps.size === 0 && ready.push(i));

  const skipWithDependents = (i: number, reason: SkipReason) => {
    if (settled[i]) return;
    settled[i] = true;
    skip(i, reason);
    for (const d of dependents[i]) skipWithDependents(d, { kind: 'dependency', on: i });
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = () => {
      while (running < limit && ready.length && !stopped()) {
        const i = ready.shift()!;
        if (settled[i]) continue;
        running++;
        work(i)
          .catch(() => false)
          .then((usable) => {
            running--;
            settled[i] = true;
            for (const d of dependents[i]) {
              if (!usable) skipWithDependents(d, { kind: 'dependency', on: i });
              else if (waitingOn[d].delete(i) && waitingOn[d].size === 0 && !settled[d]) insertSorted(ready, d);
            }
            pump();
          });
      }
      if (running === 0 && (ready.length === 0 || stopped())) resolve();
    };
    pump();
  });

  // What is left was never ready: it links, directly or not, to records that link back to it.
  const reason: SkipReason = stopped() ? { kind: 'stopped' } : { kind: 'cycle' };
  settled.forEach((s, i) => {
    if (!s) skip(i, reason);
  });
}

function insertSorted(list: number[], value: number): void {
  let at = list.length;
  while (at > 0 && list[at - 1] > value) at--;
  list.splice(at, 0, value);
}

/**
 * The order runWithDependencies runs items in when each succeeds, one at a time (earliest input
 * first, each after those it depends on), and the items it could never run: those in a cycle and
 * those that depend on one. A job cuts this order into slices, so a record is sent after the
 * records it links to even when they come later in its input.
 */
export async function dependencyOrder(dependsOn: number[][]): Promise<{ order: number[]; blocked: number[] }> {
  const order: number[] = [];
  const blocked: number[] = [];
  await runWithDependencies(dependsOn, 1, async (i) => (order.push(i), true), (i) => blocked.push(i));
  return { order, blocked: blocked.sort((a, b) => a - b) };
}

/**
 * Why item `i` of an ordered run must not be sent, given the items settled before it (`usable`:
 * true written, false not; undefined not settled yet): the first of its dependencies that was not
 * usable, as runWithDependencies skips the dependents of an item that fails.
 */
export function skipAfter(dependsOn: number[][], i: number, usable: (j: number) => boolean | undefined): SkipReason | null {
  const on = dependsOn[i].find((j) => j !== i && usable(j) === false);
  return on === undefined ? null : { kind: 'dependency', on };
}

/**
 * The reasons of the blocked items (dependencyOrder) once every other item has settled: an item
 * that depends, directly or through other blocked items, on one that was not usable is skipped for
 * that dependency, as runWithDependencies passes a failure on to dependents; the rest wait on a cycle.
 */
export function blockedReasons(dependsOn: number[][], blocked: number[], usable: (j: number) => boolean | undefined): Map<number, SkipReason> {
  const reasons = new Map<number, SkipReason>();
  const failed = (j: number) => usable(j) === false || reasons.get(j)?.kind === 'dependency';
  for (let changed = true; changed; ) {
    changed = false;
    for (const i of blocked) {
      if (reasons.has(i)) continue;
      const on = dependsOn[i].find((j) => j !== i && failed(j));
      if (on === undefined) continue;
      reasons.set(i, { kind: 'dependency', on });
      changed = true;
    }
  }
  for (const i of blocked) if (!reasons.has(i)) reasons.set(i, { kind: 'cycle' });
  return reasons;
}
