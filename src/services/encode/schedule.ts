/** Why an item was not run. */
export type SkipReason = { kind: 'dependency'; on: number } | { kind: 'cycle' } | { kind: 'stopped' };

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
