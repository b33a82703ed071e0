/**
 * Regular expressions typed by users (`title ~ /^fix/i`) run over every record, bodies included,
 * so a pattern that backtracks exponentially would hang the command. JavaScript's engine cannot
 * be interrupted, so risky patterns are refused before they run: a length cap (in the lexer),
 * no nested quantifiers (`(a+)+`, `(a*)*`, `(\w+\s?)*`), no repeated alternation whose branches
 * overlap (`(a|a)*`, `(a|ab)+`), and no backreferences. It is a heuristic, tuned to let through
 * every pattern a person filtering tasks actually writes.
 */

/** A problem with a pattern: what it is and the offset in the pattern source where it is. */
export interface RegexProblem {
  message: string
  offset: number
}

interface Frame {
  /** Offset of the group's first content character. */
  start: number
  /** Offsets of this group's top-level `|`. */
  alternations: number[]
  /** A quantifier occurs somewhere inside. */
  quantified: boolean
  /** Offset of the group's `(` (-1 for the whole pattern). */
  open: number
}

const PLAIN = /^[^\\^$.|?*+()[\]{}]*$/

/** Finds why a pattern is refused, or undefined when it may run. Also checks that it compiles. */
export function regexProblem(source: string, flags: string): RegexProblem | undefined {
  try {
    new RegExp(source, flags)
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    return {message: `invalid regular expression: ${text.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`, offset: 0}
  }
  const stack: Frame[] = [{start: 0, alternations: [], quantified: false, open: -1}]
  /** The group that just closed, if the previous atom was a group. */
  let lastGroup: (Frame & {end: number}) | undefined
  let i = 0
  while (i < source.length) {
    const c = source[i] as string
    const top = stack[stack.length - 1] as Frame
    if (c === '\\') {
      const e = source[i + 1] ?? ''
      if (/[1-9]/.test(e) || (e === 'k' && source[i + 2] === '<')) {
        return {message: 'backreferences are not allowed in a query', offset: i}
      }
      lastGroup = undefined
      // \u{…}, \p{…}, \P{…}: the braces are part of the escape, not a quantifier.
      const close = source[i + 2] === '{' && 'upP'.includes(e) ? source.indexOf('}', i + 3) : -1
      i = close >= 0 ? close + 1 : i + 2
      continue
    }
    if (c === '[') {
      i++
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1
      lastGroup = undefined
      i++
      continue
    }
    if (c === '(') {
      let start = i + 1
      if (source[start] === '?') {
        const named = /^\?<[A-Za-z_$][\w$]*>/.exec(source.slice(start))
        start += named ? named[0].length : source[start + 1] === '<' ? 3 : 2
      }
      stack.push({start, alternations: [], quantified: false, open: i})
      lastGroup = undefined
      i = start
      continue
    }
    if (c === ')') {
      const frame = stack.pop() as Frame
      const parent = stack[stack.length - 1] as Frame
      if (frame.quantified) parent.quantified = true
      lastGroup = {...frame, end: i}
      i++
      continue
    }
    if (c === '|') {
      top.alternations.push(i)
      lastGroup = undefined
      i++
      continue
    }
    const quantifier = /^(?:[*+?]|\{\d+(?:,\d*)?\})/.exec(source.slice(i))
    if (quantifier) {
      const q = quantifier[0]
      if (lastGroup && repeats(q)) {
        if (lastGroup.quantified) return {message: 'nested quantifiers are not allowed in a query (they can take forever)', offset: lastGroup.open}
        const overlap = overlappingAlternatives(source, lastGroup, flags.includes('i'))
        if (overlap) return {message: `repeated alternatives that overlap ("${overlap}") are not allowed in a query`, offset: lastGroup.open}
      }
      if (!/^\{1(?:,1)?\}$/.test(q)) top.quantified = true
      lastGroup = undefined
      i += q.length
      if (source[i] === '?') i++ // lazy
      continue
    }
    lastGroup = undefined
    i++
  }
  return undefined
}

/** For `(a|ab)`: the first branch that is a prefix of another, when every branch is plain text. */
function overlappingAlternatives(source: string, group: Frame & {end: number}, ignoreCase: boolean): string | undefined {
  if (group.alternations.length === 0) return undefined
  const bounds = [group.start, ...group.alternations.map((a) => a + 1)]
  const branches = bounds.map((b, k) => {
    const branch = source.slice(b, group.alternations[k] ?? group.end)
    return ignoreCase ? branch.toLowerCase() : branch
  })
  if (!branches.every((b) => PLAIN.test(b))) return undefined
  for (let a = 0; a < branches.length; a++) {
    for (let b = 0; b < branches.length; b++) {
      const x = branches[a] as string
      const y = branches[b] as string
      if (a !== b && y.startsWith(x)) return x
    }
  }
  return undefined
}

/** Does a quantifier repeat its atom (more than once)? `*`, `+`, `{2}`, `{1,}`, `{0,3}` do; `?`, `{1}`, `{0,1}` do not. */
function repeats(q: string): boolean {
  if (q === '*' || q === '+') return true
  const m = /^\{(\d+)(,(\d*))?\}$/.exec(q)
  if (!m) return false
  if (m[2] === undefined) return Number(m[1]) > 1
  return m[3] === '' || Number(m[3]) > 1
}
