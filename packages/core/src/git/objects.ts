/**
 * Git's object formats: commits, trees and annotated tags, parsed from the bytes of a loose or
 * packed object. Only reading; psp writes through isomorphic-git.
 */
import {GitFormatError} from './errors.js'

/** The four kinds of git object. */
export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag'

/** An object's type and its content (without git's `type size\0` header). */
export interface GitObject {
  type: GitObjectType
  data: Buffer
}

/** An author, committer or tagger line. */
export interface GitPerson {
  name: string
  email: string
  /** Seconds since the epoch. */
  time: number
  /** The person's UTC offset in minutes, east positive (`+0130` is 90). */
  tz: number
}

export interface GitCommit {
  oid: string
  tree: string
  /** Parent commit ids, first parent first (none for a root commit). */
  parents: string[]
  author: GitPerson
  committer: GitPerson
  /** The whole message, decoded from the commit's `encoding` (UTF-8 unless it says otherwise). */
  message: string
}

/** One entry of a tree. */
export interface GitTreeEntry {
  /** Git's octal mode as written in the tree (`100644`, `100755`, `120000`, `40000`, `160000`). */
  mode: string
  /** What the entry is: a file (`blob`, symlinks included), a folder (`tree`) or a submodule (`commit`). */
  type: 'blob' | 'tree' | 'commit'
  name: string
  oid: string
}

export interface GitTag {
  oid: string
  /** The tagged object. */
  object: string
  type: GitObjectType
  tag: string
  tagger?: GitPerson
  message: string
}

/** A 40-digit lower-case hexadecimal object id. */
export const OID_PATTERN = /^[0-9a-f]{40}$/

/** The empty tree's id: every repository knows it without storing it. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

function corrupt(what: string, oid: string): GitFormatError {
  return new GitFormatError(`corrupt git object ${oid}: ${what}`, {data: {oid}})
}

/** Parses `Name <email> 1700000000 +0100`; lenient about odd names, as git is. */
export function parsePerson(line: string): GitPerson {
  const close = line.lastIndexOf('>')
  const open = line.lastIndexOf('<', close)
  const name = (open === -1 ? line : line.slice(0, open)).trim()
  const email = open === -1 || close === -1 ? '' : line.slice(open + 1, close)
  const [timeText = '0', tzText = '+0000'] = line.slice(close + 1).trim().split(/\s+/)
  const time = Number.parseInt(timeText, 10)
  const match = /^([+-])(\d\d)(\d\d)$/.exec(tzText)
  const tz = match === null ? 0 : (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]))
  return {name, email, time: Number.isFinite(time) ? time : 0, tz}
}

/** The header lines of a commit or tag (continuation lines folded in) and where the message starts. */
function headers(data: Buffer): {fields: Array<[string, string]>; messageStart: number} {
  const fields: Array<[string, string]> = []
  let pos = 0
  while (pos < data.length) {
    const end = data.indexOf(10, pos)
    const lineEnd = end === -1 ? data.length : end
    if (lineEnd === pos) return {fields, messageStart: lineEnd + 1}
    const line = data.toString('utf8', pos, lineEnd)
    if (line.startsWith(' ') && fields.length > 0) {
      const last = fields[fields.length - 1] as [string, string]
      last[1] += `\n${line.slice(1)}`
    } else {
      const space = line.indexOf(' ')
      fields.push(space === -1 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)])
    }
    pos = lineEnd + 1
  }
  return {fields, messageStart: data.length}
}

/** Decodes a message in the encoding its object declares; unknown encodings fall back to UTF-8. */
function decodeMessage(bytes: Buffer, encoding: string | undefined): string {
  if (encoding === undefined || /^utf-?8$/i.test(encoding)) return bytes.toString('utf8')
  try {
    return new TextDecoder(encoding).decode(bytes)
  } catch {
    return bytes.toString('utf8')
  }
}

/** Parses a commit object's content. */
export function parseCommit(oid: string, data: Buffer): GitCommit {
  const {fields, messageStart} = headers(data)
  let tree: string | undefined
  const parents: string[] = []
  let author: GitPerson | undefined
  let committer: GitPerson | undefined
  let encoding: string | undefined
  for (const [key, value] of fields) {
    if (key === 'tree') tree = value
    else if (key === 'parent') parents.push(value)
    else if (key === 'author') author = parsePerson(value)
    else if (key === 'committer') committer = parsePerson(value)
    else if (key === 'encoding') encoding = value
  }
  if (tree === undefined || !OID_PATTERN.test(tree)) throw corrupt('commit without a tree', oid)
  if (parents.some((p) => !OID_PATTERN.test(p))) throw corrupt('bad parent id', oid)
  author ??= committer ?? {name: '', email: '', time: 0, tz: 0}
  committer ??= author
  return {oid, tree, parents, author, committer, message: decodeMessage(data.subarray(messageStart), encoding)}
}

/** Parses an annotated tag object's content. */
export function parseTag(oid: string, data: Buffer): GitTag {
  const {fields, messageStart} = headers(data)
  const get = (key: string) => fields.find(([k]) => k === key)?.[1]
  const object = get('object')
  const type = get('type')
  if (object === undefined || !OID_PATTERN.test(object)) throw corrupt('tag without an object', oid)
  if (type !== 'commit' && type !== 'tree' && type !== 'blob' && type !== 'tag') throw corrupt(`tag of unknown type "${type}"`, oid)
  const tagger = get('tagger')
  return {
    oid,
    object,
    type,
    tag: get('tag') ?? '',
    ...(tagger === undefined ? {} : {tagger: parsePerson(tagger)}),
    message: decodeMessage(data.subarray(messageStart), get('encoding')),
  }
}

/** The type of a tree entry from its mode. */
function entryType(mode: string): GitTreeEntry['type'] {
  if (mode === '40000' || mode === '040000') return 'tree'
  if (mode === '160000') return 'commit'
  return 'blob'
}

/** Parses a tree object's content: `mode SP name NUL <20-byte id>` entries, in git's order. */
export function parseTree(oid: string, data: Buffer): GitTreeEntry[] {
  const entries: GitTreeEntry[] = []
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(32, pos)
    const nul = data.indexOf(0, space + 1)
    if (space === -1 || nul === -1 || nul + 21 > data.length) throw corrupt('truncated tree entry', oid)
    const mode = data.toString('latin1', pos, space)
    entries.push({mode, type: entryType(mode), name: data.toString('utf8', space + 1, nul), oid: data.toString('hex', nul + 1, nul + 21)})
    pos = nul + 21
  }
  return entries
}

/** A commit's subject as `git log --format=%s` prints it: the first paragraph, on one line. */
export function subjectOf(message: string): string {
  const text = message.replace(/^\s*\n/, '')
  const end = text.search(/\n[^\S\n]*\n/)
  return (end === -1 ? text : text.slice(0, end)).trim().split(/\s*\n\s*/).join(' ')
}
