/**
 * Task references in commit messages: `closes 7kq`, `Fixes: #7kq, 9ab`, `refs task-7kq3m`. Pure
 * text work; resolving the ids against the workspace is the caller's.
 *
 * Commit messages are prose, and "Fix typo" or "Fix e2e tests" must never be mistaken for a
 * reference, so only words shaped like ids count, with a strength the caller acts on:
 * - `explicit`: `#7kq` or `<type prefix>-…` (`task-7kq`): meant as an id; it must resolve.
 * - `likely`: a word of the id alphabet mixing letters and digits (`7kq`): it must resolve,
 *   except right after a keyword that opens the message (`Fix e2e tests`), where it is `possible`.
 * - `possible`: any other word of 4 or more characters of the id alphabet (`kxmz`, `data`): an id
 *   only if it matches exactly one record.
 */

/** What a keyword does: `closes` marks the task done after the commit, `refs` only links it. */
export type ReferenceKind = 'closes' | 'refs'

/** How surely a word after a keyword is meant as an id (see the module comment). */
export type ReferenceStrength = 'explicit' | 'likely' | 'possible'

/** One id (or id prefix) a commit message refers to. */
export interface MessageReference {
  kind: ReferenceKind
  /** The keyword as written (`Closes`). */
  keyword: string
  /** The id or prefix as written, without a leading `#`. */
  id: string
  strength: ReferenceStrength
  /** 1-based line of the message. */
  line: number
}

/** Options of parseCommitMessage. */
export interface ParseMessageOptions {
  /** Id prefixes of the workspace's types (`task`, `proj`, …): `task-7kq` is then explicit. */
  typePrefixes?: readonly string[]
  /** The character that starts a comment line (git's core.commentChar; default `#`). */
  commentChar?: string
}

const KEYWORDS: Record<string, ReferenceKind> = {
  close: 'closes',
  closes: 'closes',
  closed: 'closes',
  fix: 'closes',
  fixes: 'closes',
  fixed: 'closes',
  resolve: 'closes',
  resolves: 'closes',
  resolved: 'closes',
  ref: 'refs',
  refs: 'refs',
}

/** Default id prefixes of the built-in types. */
const DEFAULT_PREFIXES = ['task', 'proj', 'ms', 'note', 'dec']

/** Characters of generated ids (Crockford's base32: no i, l, o, u), either case. */
const ID_ALPHABET = /^[0-9a-hjkmnp-tv-z]+$/i

const KEYWORD = new RegExp(`(?<![\\w-])(${Object.keys(KEYWORDS).join('|')})(?=[\\s:])`, 'gi')
/** A word: `#`, then letters and digits with single `-`, `_` or `.` between them. */
const WORD = /^(#?)([A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)/
/** Between two ids: commas, semicolons, `&`, `and`, with blanks around. */
const SEPARATOR = /^(?:\s*[,;&]\s*(?:and\s+)?|\s+and\s+|\s+)/i

/**
 * True when a message has a keyword anywhere: a quick test that spares a message without one
 * the cost of opening the workspace. (Its references may still all turn out to be prose.)
 */
export function mentionsKeyword(text: string): boolean {
  return new RegExp(KEYWORD.source, 'i').test(text)
}

/** The lines git keeps in a message: no comment lines, nothing from the scissors line down. */
function messageLines(text: string, commentChar: string): Array<string | undefined> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const out: Array<string | undefined> = []
  let fence: string | undefined
  for (const line of lines) {
    if (line.startsWith(commentChar)) {
      // `git commit -v` puts the diff below this line; git drops all of it.
      if (line.slice(commentChar.length).trim() === '------------------------ >8 ------------------------') break
      out.push(undefined)
      continue
    }
    // Fenced code quotes things (other messages, logs); its words are not references.
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence === undefined && marker !== undefined) {
      fence = marker[0] as string
      out.push(undefined)
    } else if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence) fence = undefined
      out.push(undefined)
    } else {
      // So are inline code spans.
      out.push(line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length)))
    }
  }
  return out
}

function strengthOf(hash: string, word: string, prefixes: ReadonlySet<string>, opensMessage: boolean): ReferenceStrength | undefined {
  if (hash === '#') return 'explicit'
  const dash = word.indexOf('-')
  if (dash > 0 && prefixes.has(word.slice(0, dash).toLowerCase()) && dash < word.length - 1) return 'explicit'
  if (!ID_ALPHABET.test(word)) return undefined
  if (/[0-9]/.test(word) && /[a-z]/i.test(word) && word.length >= 3) return opensMessage ? 'possible' : 'likely'
  return word.length >= 4 ? 'possible' : undefined
}

/**
 * The references in a commit message, in order. A keyword (`close[sd]`, `fix(es|ed)`,
 * `resolve[sd]`, `ref[s]`, any case, then blanks or `:`) is followed by a list of ids separated
 * by commas, `and`, `&` or blanks (a `possible` word continues it only after a comma, `and` or
 * `&`); the list ends at the first word that is not id-shaped, or at another keyword.
 * Comment lines, everything below git's scissors line, and code (fenced or inline) are skipped.
 */
export function parseCommitMessage(text: string, options: ParseMessageOptions = {}): MessageReference[] {
  const prefixes = new Set((options.typePrefixes ?? DEFAULT_PREFIXES).map((p) => p.toLowerCase()))
  const lines = messageLines(text, options.commentChar ?? '#')
  const firstLine = lines.findIndex((l) => l !== undefined && l.trim() !== '')
  const out: MessageReference[] = []
  lines.forEach((line, index) => {
    if (line === undefined) return
    for (const match of line.matchAll(KEYWORD)) {
      const keyword = match[1] as string
      const opensMessage = index === firstLine && line.slice(0, match.index).trim() === ''
      let rest = line.slice((match.index as number) + keyword.length)
      rest = rest.replace(/^\s*:?/, '')
      let first = true
      for (;;) {
        const separator = first ? /^\s*/.exec(rest) : SEPARATOR.exec(rest)
        if (separator === null || (!first && separator[0] === '')) break
        const word = WORD.exec(rest.slice(separator[0].length))
        if (word === null) break
        const [whole, hash, id] = word as unknown as [string, string, string]
        // A word glued to more text (`7kq/9ab`, `v2's`) is not an id on its own.
        const after = rest[separator[0].length + whole.length] ?? ''
        if (/[\w#/'’@-]/.test(after)) break
        // Another keyword starts its own list.
        if (hash === '' && KEYWORDS[id.toLowerCase()] !== undefined) break
        const strength = strengthOf(hash, id, prefixes, opensMessage)
        if (strength === undefined) break
        // Words only separated by blanks are prose unless they look like ids: `Fix e2e tests`.
        if (strength === 'possible' && !first && separator[0].trim() === '') break
        out.push({kind: KEYWORDS[keyword.toLowerCase()] as ReferenceKind, keyword, id, strength, line: index + 1})
        rest = rest.slice(separator[0].length + whole.length)
        first = false
      }
    }
  })
  return out
}
