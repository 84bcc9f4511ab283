/** Binary search over sorted lists (shifts by date or start, assignments by date). */

/** The index of the first item for which `before` is false, in a list where it holds on a prefix only. */
export function firstNotBefore<T>(sorted: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
