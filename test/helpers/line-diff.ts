/**
 * A line diff for tests that must show an edit touched nothing else: the lines removed from
 * `before` and added in `after`, by longest common subsequence (fine for small files).
 */
export function lineDiff(before: string, after: string): {removed: string[]; added: string[]} {
  const a = before.split('\n')
  const b = after.split('\n')
  const lcs: number[][] = Array.from({length: a.length + 1}, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  }
  const removed: string[] = []
  const added: string[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) removed.push(a[i++]!)
    else added.push(b[j++]!)
  }
  return {removed: [...removed, ...a.slice(i)], added: [...added, ...b.slice(j)]}
}
