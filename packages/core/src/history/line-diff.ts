/**
 * A line diff: Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and Its Variations",
 * 1986) after trimming the common start and end, with lines interned to numbers. psp needs
 * little of a diff library: counts of added and removed lines for every change the history
 * index records, and unified hunks for `psp history --patch`. When two texts differ in more
 * than MAX_EDITS lines the rest is reported as removed-then-added, which keeps the cost bounded
 * (the counts then over-state a rewrite, never under-state it).
 */

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  op: ' ' | '-' | '+'
  text: string
}

/** A unified-diff hunk: 1-based start lines and lengths on each side, then its lines. */
export interface Hunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: DiffLine[]
}

/** Above this many differences the diff stops looking for the shortest script. */
const MAX_EDITS = 2000

/** A text's lines, without their line breaks (`\r\n` or `\n`); a final line break adds no line. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** The edit script from `a` to `b`, in order. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const out: DiffLine[] = []
  for (let i = 0; i < start; i++) out.push({op: ' ', text: a[i] as string})
  const ids = new Map<string, number>()
  const intern = (line: string) => {
    let id = ids.get(line)
    if (id === undefined) {
      id = ids.size
      ids.set(line, id)
    }
    return id
  }
  const x = Int32Array.from(a.slice(start, endA), intern)
  const y = Int32Array.from(b.slice(start, endB), intern)
  for (const [op, i] of middle(x, y)) out.push({op, text: (op === '+' ? b[start + i] : a[start + i]) as string})
  for (let i = endA; i < a.length; i++) out.push({op: ' ', text: a[i] as string})
  return out
}

/** Myers' forward search with a trace, then the backtrack; returns [op, index into its side]. */
function middle(a: Int32Array, b: Int32Array): Array<[DiffLine['op'], number]> {
  const n = a.length
  const m = b.length
  if (n === 0 || m === 0) return [...fallback(n, m, 0, 0)]
  const max = n + m
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // trace[d] is the slice v[-d-1 .. d+1] as it was when step d began.
  const trace: Int32Array[] = []
  let found = -1
  for (let d = 0; d <= Math.min(max, MAX_EDITS); d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) {
        found = d
        break
      }
    }
    if (found !== -1) break
  }
  if (found === -1) return [...fallback(n, m, 0, 0)]
  const reversed: Array<[DiffLine['op'], number]> = []
  let x = n
  let y = m
  for (let d = found; d >= 0; d--) {
    const t = trace[d] as Int32Array
    const at = (k: number) => t[k + d + 1] as number
    const k = x - y
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1
    const prevX = at(prevK)
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
      reversed.push([' ', x])
    }
    if (d > 0) {
      if (x === prevX) reversed.push(['+', prevY])
      else reversed.push(['-', prevX])
    }
    x = prevX
    y = prevY
  }
  return reversed.reverse()
}

/** Everything removed, then everything added. */
function* fallback(n: number, m: number, fromA: number, fromB: number): Generator<[DiffLine['op'], number]> {
  for (let i = fromA; i < n; i++) yield ['-', i]
  for (let j = fromB; j < m; j++) yield ['+', j]
}

/** How many lines were added and removed between two texts. */
export function countLineChanges(before: string, after: string): {added: number; removed: number} {
  if (before === after) return {added: 0, removed: 0}
  let added = 0
  let removed = 0
  for (const line of diffLines(splitLines(before), splitLines(after))) {
    if (line.op === '+') added++
    else if (line.op === '-') removed++
  }
  return {added, removed}
}

/** The hunks of a unified diff with `context` unchanged lines around each change. */
export function unifiedHunks(before: string, after: string, context = 3): Hunk[] {
  const lines = diffLines(splitLines(before), splitLines(after))
  const hunks: Hunk[] = []
  let oldLine = 1
  let newLine = 1
  // Where each script line sits on both sides (1-based).
  const positions = lines.map((line) => {
    const pos = {old: oldLine, new: newLine}
    if (line.op !== '+') oldLine++
    if (line.op !== '-') newLine++
    return pos
  })
  let i = 0
  while (i < lines.length) {
    if ((lines[i] as DiffLine).op === ' ') {
      i++
      continue
    }
    const from = Math.max(0, i - context)
    // Stretch the hunk while the next change is within 2 × context lines.
    let to = i
    for (let j = i; j < lines.length; j++) {
      if ((lines[j] as DiffLine).op !== ' ') to = j
      else if (j - to > 2 * context) break
    }
    const end = Math.min(lines.length, to + context + 1)
    const slice = lines.slice(from, end)
    const first = positions[from] as {old: number; new: number}
    const oldCount = slice.filter((l) => l.op !== '+').length
    const newCount = slice.filter((l) => l.op !== '-').length
    hunks.push({
      // An empty side starts "at" the line before, as diff(1) writes it.
      oldStart: oldCount === 0 ? first.old - 1 : first.old,
      oldLines: oldCount,
      newStart: newCount === 0 ? first.new - 1 : first.new,
      newLines: newCount,
      lines: slice,
    })
    i = end
  }
  return hunks
}

/** Renders hunks as unified-diff text (`@@ -a,b +c,d @@` headers). */
export function renderHunks(hunks: readonly Hunk[]): string {
  return hunks
    .map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n${h.lines.map((l) => `${l.op}${l.text}\n`).join('')}`)
    .join('')
}
