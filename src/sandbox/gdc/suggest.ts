/**
 * sheepdog's get_suggestion: difflib.get_close_matches(value, choices, n=1) (cutoff 0.6) rendered as
 * " Did you mean 'x'?", or "" when nothing is close. The ratio is difflib's Ratcliff/Obershelp measure.
 */
export function suggestion(value: string, choices: readonly string[]): string {
  const best = closeMatch(value, choices);
  return best === null ? '' : ` Did you mean '${best}'?`;
}

export function closeMatch(value: string, choices: readonly string[], cutoff = 0.6): string | null {
  let best: { score: number; choice: string } | null = null;
  for (const choice of choices) {
    const score = ratio(value, choice);
    if (score < cutoff) continue;
    // heapq.nlargest over (score, x) breaks ties by the larger string.
    if (!best || score > best.score || (score === best.score && choice > best.choice)) best = { score, choice };
  }
  return best?.choice ?? null;
}

/** difflib.SequenceMatcher(None, a, b).ratio() without the autojunk heuristic (names are short). */
export function ratio(a: string, b: string): number {
  const total = a.length + b.length;
  if (!total) return 1;
  return (2 * matchingCharacters(a, 0, a.length, b, 0, b.length)) / total;
}

function matchingCharacters(a: string, alo: number, ahi: number, b: string, blo: number, bhi: number): number {
  if (alo >= ahi || blo >= bhi) return 0;
  // Longest common block, earliest in a then in b, as find_longest_match returns it.
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let prev = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (prev.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestSize) {
        bestI = i - k + 1;
        bestJ = j - k + 1;
        bestSize = k;
      }
    }
    prev = next;
  }
  if (!bestSize) return 0;
  return (
    bestSize +
    matchingCharacters(a, alo, bestI, b, blo, bestJ) +
    matchingCharacters(a, bestI + bestSize, ahi, b, bestJ + bestSize, bhi)
  );
}
