/** The median of absolute errors without sorting them (the stacking grid evaluates it thousands of times). */

/** k-th smallest of a[lo..hi] (Hoare's selection, in place). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i] = a[j];
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The median (reorders the array). */
export function medianInPlace(a: Float64Array): number {
  const m = a.length;
  if (m % 2) return select(a, (m - 1) / 2);
  const hi = select(a, m / 2);
  // the largest of the lower half: select leaves every element before m/2 ≤ a[m/2]
  let lo = -Infinity;
  for (let i = 0; i < m / 2; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}
