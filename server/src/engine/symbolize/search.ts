// The one binary search the symbolizer needs.

/** How many leading indexes satisfy `atOrBefore` (which must be true, then false, over 0..length-1). */
export function countAtOrBefore(length: number, atOrBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (atOrBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
