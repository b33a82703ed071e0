/**
 * Lint rules for a change's task files: a task list written without checkboxes (it counts as no
 * work at all), and ambiguous task numbers inside `## N.` groups. Both are warnings.
 */
import {parseTaskLines} from './task-progress.js'

/** A task file, named relative to its change. */
export interface TaskDocument {
  path: string
  content: string
}

/** A finding, before it is given a level. */
export interface TaskFileIssue {
  path: string
  line: number
  message: string
}

// --- missing checkboxes ------------------------------------------------------------------------

const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+\S/
/** At four columns a top-level line is an indented code block, not a list item. */
const CODE_BLOCK_COLUMN = 4
/** A fence: at most three spaces of indent; the rest of the line is kept to tell closers from openers. */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)/
const FRONT_MATTER = /^-{3}\s*$/
const COMMENT_OPEN = '<!--'
const COMMENT_CLOSE = '-->'

function indentColumns(line: string): number {
  let column = 0
  for (const ch of line) {
    if (ch === ' ') column += 1
    else if (ch === '\t') column += CODE_BLOCK_COLUMN - (column % CODE_BLOCK_COLUMN)
    else break
  }
  return column
}

/**
 * When no tracked task file holds a single checkbox, one warning per file that has a list item,
 * at its first one (fenced blocks, HTML comments, front matter and indented code skipped).
 */
export function findMissingTaskCheckboxIssues(documents: readonly TaskDocument[]): TaskFileIssue[] {
  if (documents.length === 0) return []
  if (documents.some((d) => parseTaskLines(d.content).length > 0)) return []
  const issues: TaskFileIssue[] = []
  for (const document of documents) {
    const line = firstListItemLine(document.content)
    if (line === undefined) continue
    issues.push({
      path: document.path,
      line,
      message:
        'This change counts as 0 tasks: no line in its tracked task files is a checkbox, ' +
        'so "openspec list" and "openspec status" report no work and "openspec archive" ' +
        'has nothing to flag as incomplete. Write each task as "- [ ] 1.1 Description".',
    })
  }
  return issues
}

function firstListItemLine(content: string): number | undefined {
  const lines = content.split('\n')
  let open: {char: string; length: number} | undefined
  let inComment = false
  for (let i = skipFrontMatter(lines); i < lines.length; i++) {
    const line = lines[i] as string
    if (inComment) {
      if (line.includes(COMMENT_CLOSE)) inComment = false
      continue
    }
    const fence = FENCE.exec(line)
    if (fence) {
      const run = fence[1] as string
      if (open === undefined) open = {char: run[0] as string, length: run.length}
      else if (run[0] === open.char && run.length >= open.length && (fence[2] as string).trim() === '') open = undefined
      continue
    }
    if (open !== undefined) continue
    if (line.trimStart().startsWith(COMMENT_OPEN)) {
      if (!line.includes(COMMENT_CLOSE, line.indexOf(COMMENT_OPEN) + COMMENT_OPEN.length)) inComment = true
      continue
    }
    if (LIST_ITEM.test(line) && indentColumns(line) < CODE_BLOCK_COLUMN) return i + 1
  }
  return undefined
}

function skipFrontMatter(lines: string[]): number {
  if (lines.length === 0 || !FRONT_MATTER.test((lines[0] as string).replace(/^\uFEFF/, '').trimEnd())) return 0
  for (let i = 1; i < lines.length; i++) if (FRONT_MATTER.test((lines[i] as string).trimEnd())) return i + 1
  return 0
}

// --- numbering ---------------------------------------------------------------------------------

const LEVEL_TWO_HEADING = /^ {0,3}##(?!#)(?:[ \t]+|[ \t]*\r?$)/
const NUMBERED_GROUP = /^ {0,3}##[ \t]+(\d+)\.(?:[ \t]|\r?$)/
const TASK_ID = /^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)/

/**
 * Task ids that point to another group (`2.1` under `## 1.`) or repeat an earlier id, across all
 * task files. Only numbered `## N.` groups are read.
 */
export function findTaskNumberingIssues(documents: readonly TaskDocument[]): TaskFileIssue[] {
  const issues: TaskFileIssue[] = []
  const firstSeen = new Map<string, {path: string; line: number}>()
  for (const document of documents) {
    const lines = document.content.split('\n')
    if (!lines.some((l) => NUMBERED_GROUP.test(l))) continue
    let group: string | undefined
    lines.forEach((line, index) => {
      if (LEVEL_TWO_HEADING.test(line)) group = NUMBERED_GROUP.exec(line)?.[1]
      if (group === undefined) return
      const id = parseTaskLines(line)[0]?.description.match(TASK_ID)?.[1]
      if (!id) return
      const lineNumber = index + 1
      const taskGroup = id.split('.')[0] as string
      if (taskGroup.replace(/^0+(?=\d)/, '') !== group.replace(/^0+(?=\d)/, '')) {
        issues.push({
          path: document.path,
          line: lineNumber,
          message: `Task "${id}" is under group ${group}, but its leading number points to group ${taskGroup}. Move it to group ${taskGroup} or renumber it.`,
        })
      }
      const first = firstSeen.get(id)
      if (first === undefined) {
        firstSeen.set(id, {path: document.path, line: lineNumber})
      } else {
        const where = first.path === document.path ? `on line ${first.line}` : `in ${first.path} on line ${first.line}`
        issues.push({path: document.path, line: lineNumber, message: `Task ID "${id}" is duplicated; it was first declared ${where}.`})
      }
    })
  }
  return issues
}
