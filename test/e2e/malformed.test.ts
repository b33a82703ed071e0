/**
 * Malformed input, architecture invariant 6: bad input gets one clear line naming file, line and
 * field, a non-zero exit, no stack trace, and no file is touched. Then the opposite: odd but valid
 * files (CRLF, BOM, no final newline, unicode, comments, every scalar and list style) validate,
 * and an edit changes exactly one line and can be undone byte for byte.
 *
 * Every case is a fixture in test/fixtures/malformed/ (binary, invalid, UTF-16 and huge inputs are
 * generated here instead of committed) copied into its own copy of one workspace, which already
 * holds three valid records the cases point at (fixtures/malformed/support/). Own copies let the
 * cases run concurrently and show which command changed what. Every command of every case is
 * followed by a snapshot of the whole workspace.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, pspAsync, REPO_ROOT, snapshotFiles, tempDir, type RunResult} from '../helpers/cli.js'

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'malformed')

/** Exit codes from packages/core/src/errors.ts (and validate's "problems found"). */
const EXIT = {problems: 1, notFound: 4, invalid: 6, conflict: 7, unsafe: 8} as const

/** One malformed input and everything psp must say about it. */
interface BadCase {
  /** The fixture test/fixtures/malformed/<name>.md; it is copied to data/tasks/<name>.md. */
  name: string
  /** Bytes made here instead of a committed fixture (binary, invalid encodings, huge files). */
  bytes?: () => Buffer
  /** Fixtures the case needs beside it (the other half of a duplicate, the rest of a cycle). */
  with?: string[]
  /** The id written in the file, tried with `task show` and `task edit`; none when it has no id. */
  id?: string
  /** True when the file still reads as a record (schema or reference problems only). */
  parses: boolean
  /** Where `psp validate` must point: 1-based line and column, and the field when one applies. */
  line: number
  col: number
  field?: string
  /** The problem's `code` in `psp validate --json`. */
  code: string
  message: RegExp
  /** Exit code of `task edit <id>` (4 when the file cannot be read as a record at all). */
  edit: number
  /** Exit code of `task show <id>`: 0 when the record can be read, else 4. */
  show?: number
  /** The edit to try (default `--set title=x`; cases whose title is the problem edit another field). */
  editArgs?: string[]
  /** The edit's error line when it names another file than the case's (duplicates). */
  editError?: RegExp
  /** The file `task show` shows when it is another than the case's (duplicates). */
  showPath?: string
  /** The error `task show` gives when it exits non-zero (default: not found). */
  showError?: RegExp
  /** A file the frontmatter's code would write (in the workspace) if it were ever evaluated. */
  marker?: string
}

const SET_TITLE = ['--set', 'title=x']
const SET_ASSIGNEE = ['--set', 'assignee=x']

function frontmatter(lines: string[], body = ''): string {
  return `---\n${lines.join('\n')}\n---\n${body}`
}

const BAD: BadCase[] = [
  // YAML that does not parse: the line that opened the trouble, the field it is in.
  {name: 'broken-yaml', id: 'task-broken-yaml', parses: false, line: 6, col: 7, field: 'tags', code: 'INVALID_DOCUMENT', message: /invalid YAML: \[ is never closed/, edit: EXIT.notFound},
  {name: 'broken-yaml-crlf', id: 'task-broken-yaml-crlf', parses: false, line: 6, col: 7, field: 'tags', code: 'INVALID_DOCUMENT', message: /invalid YAML: \[ is never closed/, edit: EXIT.notFound},
  {name: 'broken-yaml-bom', id: 'task-broken-yaml-bom', parses: false, line: 6, col: 7, field: 'tags', code: 'INVALID_DOCUMENT', message: /invalid YAML: \[ is never closed/, edit: EXIT.notFound},
  {name: 'unterminated-quote', id: 'task-unterminated-quote', parses: false, line: 4, col: 8, field: 'title', code: 'INVALID_DOCUMENT', message: /invalid YAML: " is never closed/, edit: EXIT.notFound},
  {name: 'bad-indentation', id: 'task-bad-indentation', parses: false, line: 5, col: 9, field: 'title', code: 'INVALID_DOCUMENT', message: /invalid YAML: bad indentation/, edit: EXIT.notFound},
  {name: 'tab-indented', id: 'task-tab-indented', parses: false, line: 6, col: 1, field: 'tags', code: 'INVALID_DOCUMENT', message: /invalid YAML: tab characters must not be used in indentation/, edit: EXIT.notFound},
  {name: 'duplicate-keys', id: 'task-duplicate-keys', parses: false, line: 6, col: 1, field: 'title', code: 'INVALID_DOCUMENT', message: /invalid YAML: duplicated mapping key/, edit: EXIT.notFound},
  {name: 'duplicate-keys-crlf', id: 'task-duplicate-keys-crlf', parses: false, line: 6, col: 1, field: 'status', code: 'INVALID_DOCUMENT', message: /invalid YAML: duplicated mapping key/, edit: EXIT.notFound},
  {name: 'document-end-marker', id: 'task-document-end', parses: false, line: 5, col: 1, code: 'INVALID_DOCUMENT', message: /invalid YAML: expected a single document in the stream/, edit: EXIT.notFound},
  {name: 'raw-control-chars', id: 'task-raw-control', parses: false, line: 4, col: 12, field: 'title', code: 'INVALID_DOCUMENT', message: /invalid YAML: the stream contains non-printable characters/, edit: EXIT.notFound},
  {name: 'deep-nesting', id: 'task-deep-nesting', parses: false, line: 5, col: 103, field: 'x', code: 'INVALID_DOCUMENT', message: /invalid YAML: nesting exceeded maxDepth/, edit: EXIT.notFound,
    bytes: () => Buffer.from(frontmatter(['id: task-deep-nesting', 'type: task', 'title: Deep', `x: ${'['.repeat(5000)}${']'.repeat(5000)}`]))},

  // The frontmatter block itself is missing, unclosed or not a mapping.
  {name: 'empty', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /empty file/, edit: EXIT.notFound},
  {name: 'whitespace-only', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /empty file/, edit: EXIT.notFound},
  {name: 'no-frontmatter', id: 'task-no-frontmatter', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /no frontmatter/, edit: EXIT.notFound},
  {name: 'unclosed-frontmatter', id: 'task-unclosed', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /frontmatter is not closed/, edit: EXIT.notFound},
  {name: 'unclosed-frontmatter-crlf', id: 'task-unclosed-crlf', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /frontmatter is not closed/, edit: EXIT.notFound},
  {name: 'frontmatter-is-a-list', id: 'task-list', parses: false, line: 2, col: 1, code: 'INVALID_DOCUMENT', message: /frontmatter must be a mapping/, edit: EXIT.notFound},
  {name: 'frontmatter-is-a-string', parses: false, line: 2, col: 1, code: 'INVALID_DOCUMENT', message: /frontmatter must be a mapping/, edit: EXIT.notFound},
  {name: 'closing-line-has-text', id: 'task-closing-text', parses: false, line: 5, col: 4, code: 'INVALID_DOCUMENT', message: /closing --- must stand alone/, edit: EXIT.notFound},

  // Not text: NUL bytes, invalid UTF-8, UTF-16, too big.
  {name: 'binary', id: 'task-binary', parses: false, line: 6, col: 1, code: 'INVALID_DOCUMENT', message: /binary file \(contains NUL bytes\)/, edit: EXIT.notFound,
    bytes: () => Buffer.concat([Buffer.from(frontmatter(['id: task-binary', 'type: task', 'title: Binary'])), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x0a])])},
  {name: 'png-renamed', parses: false, line: 3, col: 1, code: 'INVALID_DOCUMENT', message: /binary file/, edit: EXIT.notFound,
    bytes: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52])},
  {name: 'invalid-utf8', id: 'task-invalid-utf8', parses: false, line: 4, col: 1, code: 'INVALID_DOCUMENT', message: /invalid UTF-8/, edit: EXIT.notFound,
    bytes: () => Buffer.concat([Buffer.from('---\nid: task-invalid-utf8\ntype: task\ntitle: caf'), Buffer.from([0xe9, 0x20, 0xc3, 0x28, 0xff]), Buffer.from('\n---\n')])},
  {name: 'utf16', id: 'task-utf16', parses: false, line: 1, col: 1, code: 'INVALID_DOCUMENT', message: /UTF-16/, edit: EXIT.notFound,
    bytes: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(frontmatter(['id: task-utf16', 'type: task', 'title: Saved by PowerShell']), 'utf16le')])},
  {name: 'huge-20mb', id: 'task-huge', parses: false, line: 1, col: 1, code: 'UNSAFE_INPUT', message: /file is 20,971,515 bytes \(20\.0 MiB\), over the 1 MiB limit/, edit: EXIT.notFound,
    bytes: () => Buffer.concat([Buffer.from(frontmatter(['id: task-huge', 'type: task', 'title: Huge'])), Buffer.alloc(20 * 1024 * 1024 - 50, 'lorem ipsum\n')])},

  // Frontmatter that is code, or asks the YAML parser to build objects: refused, never run.
  {name: 'js-frontmatter', id: 'task-js', parses: false, line: 1, col: 4, code: 'UNSAFE_INPUT', message: /frontmatter language "js" is refused/, edit: EXIT.notFound, marker: 'PWNED-js'},
  {name: 'javascript-frontmatter', id: 'task-javascript', parses: false, line: 1, col: 4, code: 'UNSAFE_INPUT', message: /frontmatter language "javascript" is refused/, edit: EXIT.notFound, marker: 'PWNED-javascript'},
  {name: 'js-frontmatter-spaced', id: 'task-js-spaced', parses: false, line: 1, col: 4, code: 'UNSAFE_INPUT', message: /frontmatter language "js" is refused/, edit: EXIT.notFound, marker: 'PWNED-js-spaced'},
  {name: 'coffee-frontmatter', id: 'task-coffee', parses: false, line: 1, col: 4, code: 'UNSAFE_INPUT', message: /frontmatter language "coffee" is refused/, edit: EXIT.notFound, marker: 'PWNED-coffee'},
  {name: 'custom-yaml-tag', id: 'task-custom-tag', parses: false, line: 4, col: 8, field: 'title', code: 'UNSAFE_INPUT', message: /YAML tag !shell is refused/, edit: EXIT.notFound, marker: 'PWNED-tag'},
  {name: 'binary-tag', id: 'task-binary-tag', parses: false, line: 5, col: 13, field: 'attachment', code: 'UNSAFE_INPUT', message: /YAML tag !!binary is refused/, edit: EXIT.notFound},
  {name: 'js-function-tag', id: 'task-js-function', parses: false, line: 5, col: 9, field: 'status', code: 'UNSAFE_INPUT', message: /YAML tag !!js\/function is refused/, edit: EXIT.notFound, marker: 'PWNED-fn'},
  {name: 'js-regexp-tag', id: 'task-js-regexp', parses: false, line: 5, col: 11, field: 'assignee', code: 'UNSAFE_INPUT', message: /YAML tag !!js\/regexp is refused/, edit: EXIT.notFound},
  {name: 'merge-key', id: 'task-merge-key', parses: false, line: 6, col: 1, code: 'UNSAFE_INPUT', message: /merge key "<<" is refused/, edit: EXIT.notFound},
  {name: 'alias-bomb', id: 'task-alias-bomb', parses: false, line: 2, col: 1, code: 'UNSAFE_INPUT', message: /expands to more than 10000 values/, edit: EXIT.notFound},
  {name: 'too-many-fields', id: 'task-many-fields', parses: false, line: 2, col: 1, code: 'UNSAFE_INPUT', message: /expands to more than 10000 values/, edit: EXIT.notFound,
    bytes: () => Buffer.from(frontmatter(['id: task-many-fields', 'type: task', 'title: Many fields', ...Array.from({length: 12_000}, (_, i) => `f${i}: ${i}`)]))},

  // Identity: the id and type every record needs, and ids that are really paths.
  {name: 'missing-id', parses: false, line: 1, col: 1, field: 'id', code: 'INVALID_DOCUMENT', message: /required field is missing/, edit: EXIT.notFound},
  {name: 'numeric-id', id: '12345', parses: false, line: 2, col: 1, field: 'id', code: 'INVALID_DOCUMENT', message: /must be a string/, edit: EXIT.notFound},
  {name: 'id-with-path-chars', id: '../../etc/passwd', parses: false, line: 2, col: 1, field: 'id', code: 'UNSAFE_INPUT', message: /id "\.\.\/\.\.\/etc\/passwd" is not allowed/, edit: EXIT.notFound},
  {name: 'id-with-slash', id: 'task/evil', parses: false, line: 2, col: 1, field: 'id', code: 'UNSAFE_INPUT', message: /id "task\/evil" is not allowed/, edit: EXIT.notFound},
  {name: 'id-too-long', parses: false, line: 2, col: 1, field: 'id', code: 'UNSAFE_INPUT', message: /at most 64 characters/, edit: EXIT.notFound},
  {name: 'missing-type', id: 'task-missing-type', parses: false, line: 1, col: 1, field: 'type', code: 'INVALID_DOCUMENT', message: /required field is missing/, edit: EXIT.notFound},
  {name: 'unknown-type', id: 'task-unknown-type', parses: true, show: EXIT.notFound, line: 3, col: 1, field: 'type', code: 'SCHEMA', message: /unknown type "widget" \(known: decision, milestone, note, project, task\)/, edit: EXIT.notFound},
  // With two live files holding one id, show and edit refuse rather than pick one of them.
  {name: 'duplicate-id-b', with: ['duplicate-id-a'], id: 'task-duplicate', parses: true, line: 2, col: 1, field: 'id', code: 'DUPLICATE_ID',
    message: /duplicate id: task-duplicate is also used by data\/tasks\/duplicate-id-a\.md/, show: EXIT.conflict, showError: /^Error: duplicate id: task-duplicate is used by data\/tasks\/duplicate-id-a\.md and data\/tasks\/duplicate-id-b\.md$/, edit: EXIT.conflict, editError: /^Error: duplicate id: task-duplicate is used by data\/tasks\/duplicate-id-a\.md and data\/tasks\/duplicate-id-b\.md$/},
  {name: 'duplicate-id-a', with: ['duplicate-id-b'], id: 'task-duplicate', parses: true, line: 2, col: 1, field: 'id', code: 'DUPLICATE_ID',
    message: /duplicate id: task-duplicate is also used by data\/tasks\/duplicate-id-b\.md/, show: EXIT.conflict, showError: /^Error: duplicate id: task-duplicate is used by data\/tasks\/duplicate-id-a\.md and data\/tasks\/duplicate-id-b\.md$/, edit: EXIT.conflict, editError: /^Error: duplicate id: task-duplicate is used by data\/tasks\/duplicate-id-a\.md and data\/tasks\/duplicate-id-b\.md$/},

  // Schema violations: the record reads, but a field is wrong.
  {name: 'wrong-type-estimate', id: 'task-wrong-estimate', parses: true, line: 6, col: 1, field: 'estimate', code: 'SCHEMA', message: /must be number, got string/, edit: EXIT.invalid},
  {name: 'negative-estimate', id: 'task-negative-estimate', parses: true, line: 6, col: 1, field: 'estimate', code: 'SCHEMA', message: /must be >= 0/, edit: EXIT.invalid},
  {name: 'unknown-status', id: 'task-unknown-status', parses: true, line: 5, col: 1, field: 'status', code: 'SCHEMA', message: /"blocked" is not allowed \(expected one of: todo, in-progress, review, done\)/, edit: EXIT.invalid},
  {name: 'unknown-priority', id: 'task-unknown-priority', parses: true, line: 6, col: 1, field: 'priority', code: 'SCHEMA', message: /"urgent" is not allowed \(expected one of: low, medium, high, critical\)/, edit: EXIT.invalid},
  {name: 'status-is-a-mapping', id: 'task-status-mapping', parses: true, line: 5, col: 1, field: 'status', code: 'SCHEMA', message: /must be string, got object/, edit: EXIT.invalid},
  {name: 'bad-date', id: 'task-bad-date', parses: true, line: 6, col: 1, field: 'due', code: 'SCHEMA', message: /"2024-13-45" is not a date \(expected YYYY-MM-DD\)/, edit: EXIT.invalid},
  {name: 'date-with-time', id: 'task-date-with-time', parses: true, line: 6, col: 1, field: 'due', code: 'SCHEMA', message: /"2024-01-01T10:00:00Z" is not a date/, edit: EXIT.invalid},
  {name: 'tags-not-a-list', id: 'task-tags-not-a-list', parses: true, line: 6, col: 1, field: 'tags', code: 'SCHEMA', message: /must be array, got string/, edit: EXIT.invalid},
  {name: 'tags-duplicate', id: 'task-tags-duplicate', parses: true, line: 6, col: 1, field: 'tags', code: 'SCHEMA', message: /duplicate items/, edit: EXIT.invalid},
  {name: 'depends-on-not-a-list', id: 'task-depends-not-list', parses: true, line: 6, col: 1, field: 'depends_on', code: 'SCHEMA', message: /must be array, got string/, edit: EXIT.invalid},
  {name: 'non-string-title', id: 'task-non-string-title', parses: true, line: 4, col: 1, field: 'title', code: 'SCHEMA', message: /must be string, got number/, edit: EXIT.invalid, editArgs: SET_ASSIGNEE},
  {name: 'title-empty', id: 'task-title-empty', parses: true, line: 4, col: 1, field: 'title', code: 'SCHEMA', message: /fewer than 1 characters/, edit: EXIT.invalid, editArgs: SET_ASSIGNEE},
  {name: 'title-null', id: 'task-title-null', parses: true, line: 4, col: 1, field: 'title', code: 'SCHEMA', message: /must be string, got null/, edit: EXIT.invalid, editArgs: SET_ASSIGNEE},
  {name: 'missing-title', id: 'task-missing-title', parses: true, line: 1, col: 1, field: 'title', code: 'SCHEMA', message: /required field is missing/, edit: EXIT.invalid, editArgs: SET_ASSIGNEE},

  // References: to nothing, to the wrong type, to itself, round in a circle.
  {name: 'dangling-project', id: 'task-dangling-project', parses: true, line: 6, col: 1, field: 'project', code: 'REFERENCE', message: /unknown id "proj-does-not-exist"/, edit: EXIT.invalid},
  {name: 'dangling-depends-on', id: 'task-dangling-depends', parses: true, line: 6, col: 1, field: 'depends_on', code: 'REFERENCE', message: /unknown id "task-missing"/, edit: EXIT.invalid},
  {name: 'wrong-reference-type', id: 'task-wrong-reference', parses: true, line: 6, col: 1, field: 'milestone', code: 'REFERENCE', message: /"task-support" is a task, not a milestone/, edit: EXIT.invalid},
  {name: 'project-points-at-milestone', id: 'task-project-is-milestone', parses: true, line: 6, col: 1, field: 'project', code: 'REFERENCE', message: /"ms-support" is a milestone, not a project/, edit: EXIT.invalid},
  {name: 'depends-on-self', id: 'task-depends-self', parses: true, line: 6, col: 1, field: 'depends_on', code: 'CYCLE', message: /a record cannot depend on itself/, edit: EXIT.conflict},
  {name: 'cycle-a', with: ['cycle-b', 'cycle-c'], id: 'task-cycle-a', parses: true, line: 6, col: 1, field: 'depends_on', code: 'CYCLE',
    message: /dependency cycle: task-cycle-a → task-cycle-b → task-cycle-c → task-cycle-a$/, edit: EXIT.conflict},
  {name: 'cycle-b', with: ['cycle-a', 'cycle-c'], id: 'task-cycle-b', parses: true, line: 6, col: 1, field: 'depends_on', code: 'CYCLE',
    message: /dependency cycle: task-cycle-b → task-cycle-c → task-cycle-a → task-cycle-b$/, edit: EXIT.conflict},
  {name: 'cycle-c', with: ['cycle-a', 'cycle-b'], id: 'task-cycle-c', parses: true, line: 6, col: 1, field: 'depends_on', code: 'CYCLE',
    message: /dependency cycle: task-cycle-c → task-cycle-a → task-cycle-b → task-cycle-c$/, edit: EXIT.conflict},
]

/** A valid but unusual file, and the edits that must round-trip on it byte for byte. */
interface GoodCase {
  name: string
  id: string
  /** The title exactly as `task show --json` must return it. */
  title: string
  /** Pairs of edits: the first changes exactly one line, the second restores the original bytes. */
  trips: [string[], string[]][]
}

const PRIORITY: [string[], string[]] = [['--set', 'priority=high'], ['--unset', 'priority']]

const GOOD: GoodCase[] = [
  {name: 'valid-crlf', id: 'task-valid-crlf', title: 'CRLF line endings', trips: [PRIORITY, [['--set', 'status=done'], ['--set', 'status=todo']]]},
  {name: 'valid-bom', id: 'task-valid-bom', title: 'Starts with a BOM', trips: [PRIORITY]},
  {name: 'valid-bom-crlf', id: 'task-valid-bom-crlf', title: 'BOM and CRLF', trips: [PRIORITY]},
  {name: 'valid-no-final-newline', id: 'task-valid-no-eol', title: 'No final newline', trips: [PRIORITY]},
  {name: 'valid-no-body', id: 'task-valid-no-body', title: 'No body and no final newline', trips: [PRIORITY]},
  {name: 'valid-unicode', id: 'task-valid-unicode', title: 'Übersicht für café ☕ — 日本語のタスク 🚀',
    trips: [PRIORITY, [['--set', 'title=x'], ['--set', 'title=Übersicht für café ☕ — 日本語のタスク 🚀']]]},
  {name: 'valid-rtl-title', id: 'task-valid-rtl', title: 'משימה בעברית', trips: [PRIORITY, [['--add', 'tags=x'], ['--remove', 'tags=x']]]},
  {name: 'valid-comments', id: 'task-valid-comments', title: 'Comments in frontmatter',
    // `estimate: 3   # hours`: the blanks before a comment are the user's too.
    trips: [PRIORITY, [['--set', 'status=done'], ['--set', 'status=todo']], [['--set', 'estimate=5'], ['--set', 'estimate=3']]]},
  {name: 'valid-quoted-scalars', id: 'task-valid-quoted', title: "It's quoted: with a colon",
    trips: [PRIORITY, [['--set', 'assignee=Bob'], ['--set', 'assignee=Ann "the Great" Lee']], [['--set', 'title=x'], ['--set', "title=It's quoted: with a colon"]]]},
  {name: 'valid-plain-scalars', id: 'task-valid-plain', title: 'Plain scalars - with dashes, a#hash, colons:inside and 100% plain',
    trips: [PRIORITY, [['--set', 'estimate=4'], ['--set', 'estimate=2.5']]]},
  {name: 'valid-block-lists', id: 'task-valid-block', title: 'Block lists', trips: [PRIORITY, [['--add', 'tags=x'], ['--remove', 'tags=x']]]},
  {name: 'valid-flow-lists', id: 'task-valid-flow', title: 'Flow lists', trips: [PRIORITY]},
  {name: 'valid-multiline-title', id: 'task-valid-multiline', title: 'A folded title over two lines', trips: [PRIORITY]},
  {name: 'valid-has-priority', id: 'task-valid-has-priority', title: 'Has a priority already', trips: [[['--set', 'priority=high'], ['--set', 'priority=low']]]},
  {name: 'valid-escaped-control-chars', id: 'task-valid-escapes', title: 'Clears your screen \u001b[2J\u001b]0;pwned\u0007 and rings \u0007', trips: [PRIORITY]},
  {name: 'valid-indented-delimiter-body', id: 'task-valid-dashes-in-body', title: 'Dashes in the body', trips: [PRIORITY]},
]

/** A stack frame, Node's internals, or the message bin/run.js prints for an unexpected error. */
const CRASH = /^\s+at \S.*[(:]\d+|node:internal|This is a bug in psp|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/m

function describeRun(args: string[], result: RunResult): string {
  return `psp ${args.join(' ')}\nexit ${result.code}\n--- stdout\n${result.stdout.slice(0, 2000)}\n--- stderr\n${result.stderr.slice(0, 2000)}`
}

/** Paths whose bytes differ between two snapshots (added, removed or changed). */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const out = new Set<string>()
  for (const [file, bytes] of before) if (after.get(file) !== bytes) out.add(file)
  for (const file of after.keys()) if (!before.has(file)) out.add(file)
  return [...out].sort()
}

/** The lines that differ between two texts, after their common first and last lines. */
function lineDiff(before: string, after: string): {removed: string[]; added: string[]} {
  const a = before.split('\n')
  const b = after.split('\n')
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  return {removed: a.slice(start, endA), added: b.slice(start, endB)}
}

let base: string
const dirs: string[] = []

beforeAll(() => {
  base = makeWorkspace()
  fs.mkdirSync(path.join(base, 'data', 'tasks'), {recursive: true})
  for (const name of fs.readdirSync(path.join(FIXTURES, 'support'))) {
    fs.copyFileSync(path.join(FIXTURES, 'support', name), path.join(base, 'data', 'tasks', `support-${name}`))
  }
})

afterAll(() => {
  for (const dir of [base, ...dirs]) cleanup(dir)
})

/** A fresh copy of the shared workspace. */
function workspace(): string {
  const dir = tempDir()
  dirs.push(dir)
  fs.cpSync(base, dir, {recursive: true})
  return dir
}

function fixtureBytes(c: {name: string; bytes?: () => Buffer}): Buffer {
  return c.bytes ? c.bytes() : fs.readFileSync(path.join(FIXTURES, `${c.name}.md`))
}

/** Copies a case's files into `ws`; returns the workspace-relative path of its main file. */
function place(ws: string, c: BadCase | GoodCase): string {
  for (const name of [c.name, ...('with' in c ? (c.with ?? []) : [])]) {
    const bytes = name === c.name ? fixtureBytes(c) : fixtureBytes({name})
    fs.writeFileSync(path.join(ws, 'data', 'tasks', `${name}.md`), bytes)
  }
  return `data/tasks/${c.name}.md`
}

/**
 * Runs psp in `ws` and checks what every run must satisfy: no crash output, and no file changed
 * compared with `before` (unless `allowChange` names the one file the run may change).
 */
async function run(
  expectFn: typeof expect,
  ws: string,
  before: Map<string, string>,
  args: string[],
  allowChange?: string,
): Promise<RunResult> {
  const result = await pspAsync(args, {cwd: ws})
  const what = describeRun(args, result)
  expectFn(result.stdout + result.stderr, what).not.toMatch(CRASH)
  const diff = changed(before, snapshotFiles(ws))
  expectFn(diff.filter((f) => f !== allowChange), `files changed by: ${what}`).toEqual([])
  return result
}

/** `Error: …` on stderr, optionally one `Hint: …` after it, nothing on stdout. */
function expectOneError(expectFn: typeof expect, result: RunResult, what: string, exitCode: number, line: RegExp): void {
  expectFn(result.code, what).toBe(exitCode)
  expectFn(result.stdout, what).toBe('')
  const lines = result.stderr.split('\n').filter((l) => l !== '')
  expectFn(lines[0], what).toMatch(line)
  expectFn(lines.slice(1).every((l) => l.startsWith('Hint: ')) && lines.length <= 2, what).toBe(true)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

interface Report {
  ok: boolean
  checked: number
  problems: Record<string, unknown>[]
}

/** Asserts the problems of `rel` in a `validate --json` report are exactly the case's one. */
function expectProblem(expectFn: typeof expect, problems: Record<string, unknown>[], rel: string, c: BadCase): void {
  const mine = problems.filter((p) => p['path'] === rel)
  expectFn(mine, c.name).toHaveLength(1)
  const problem = mine[0] as Record<string, unknown>
  expectFn(problem, c.name).toMatchObject({path: rel, line: c.line, col: c.col, code: c.code})
  expectFn(problem['field'], c.name).toBe(c.field)
  expectFn(problem['message'], c.name).toMatch(c.message)
}

/** `path:line:col: field: ` as psp prints a located problem. */
function located(rel: string, c: BadCase): string {
  return `${rel}:${c.line}:${c.col}: ${c.field === undefined ? '' : `${c.field}: `}`
}

/** Asserts `line` is `<prefix><message>`. */
function expectLocated(expectFn: typeof expect, line: string | undefined, prefix: string, message: RegExp, what: string): void {
  expectFn(line?.startsWith(prefix), `${what}
expected the line to start with ${prefix}`).toBe(true)
  expectFn(line?.slice(prefix.length), what).toMatch(message)
}

describe('malformed input: psp validate names file, line and field; nothing is touched', () => {
  it('has at least 35 malformed cases, each with its own committed fixture or generated bytes', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(35)
    expect(new Set(BAD.map((c) => c.name)).size).toBe(BAD.length)
    for (const c of BAD) {
      if (!c.bytes) expect(fs.existsSync(path.join(FIXTURES, `${c.name}.md`)), c.name).toBe(true)
    }
    // The CRLF fixtures must still hold CR LF after a checkout (test/fixtures/malformed/.gitattributes).
    for (const name of ['broken-yaml-crlf', 'unclosed-frontmatter-crlf', 'duplicate-keys-crlf', 'valid-crlf', 'valid-bom-crlf']) {
      const text = fs.readFileSync(path.join(FIXTURES, `${name}.md`), 'utf8')
      expect(text.split('\n').slice(0, -1).every((l) => l.endsWith('\r')), name).toBe(true)
    }
  })

  describe.concurrent.each(BAD)('$name', (c) => {
    it('validate prints one located line; show and edit fail cleanly or show; nothing is touched', async ({expect}) => {
      const ws = workspace()
      const rel = place(ws, c)
      const original = fs.readFileSync(path.join(ws, rel))
      const before = snapshotFiles(ws)

      const text = await run(expect, ws, before, ['validate', rel])
      const what = describeRun(['validate', rel], text)
      expect(text.code, what).toBe(EXIT.problems)
      const lines = text.stdout.split('\n').filter((l) => l !== '')
      expect(lines, what).toHaveLength(1)
      expectLocated(expect, lines[0], located(rel, c), c.message, what)
      expect(text.stderr, what).toMatch(/^1 document checked, 1 problem\n$/)

      // --json of single files is checked in one batch below; a group's files only here, as
      // the batch reports a cycle or a duplicate once for the whole group.
      if (c.with !== undefined) {
        const data = await run(expect, ws, before, ['validate', rel, '--json'])
        expect(data.code, describeRun(['validate', rel, '--json'], data)).toBe(EXIT.problems)
        const report = json<Report>(data)
        expect(report).toMatchObject({ok: false, checked: 1})
        expectProblem(expect, report.problems, rel, c)
      }

      if (c.id !== undefined) {
        const show = await run(expect, ws, before, ['task', 'show', c.id])
        const showExit = c.show ?? (c.parses ? 0 : EXIT.notFound)
        if (showExit === 0) {
          expect(show.code, describeRun(['task', 'show', c.id], show)).toBe(0)
          expect(show.stdout).toContain(`path: ${c.showPath ?? rel}`)
        } else {
          expectOneError(expect, show, describeRun(['task', 'show', c.id], show), showExit, c.showError ?? /^Error: no task matches /)
        }

        // A write validates the whole record first, so it fails on the problem validate reported.
        const editArgs = ['task', 'edit', c.id, ...(c.editArgs ?? SET_TITLE)]
        const edit = await run(expect, ws, before, editArgs)
        const what = describeRun(editArgs, edit)
        const readable = c.parses && c.edit !== EXIT.notFound
        expectOneError(expect, edit, what, c.edit, c.editError ?? (readable ? /^Error: / : /^Error: no task matches /))
        if (readable && c.editError === undefined) expectLocated(expect, edit.stderr.split('\n')[0], `Error: ${located(rel, c)}`, c.message, what)
      }

      expect(fs.readFileSync(path.join(ws, rel)).equals(original), 'the fixture changed').toBe(true)
      if (c.marker !== undefined) expect(fs.existsSync(path.join(ws, c.marker)), 'frontmatter code was evaluated').toBe(false)
    })
  })

  it('a workspace holding every malformed file at once: validate --json gives each problem as data, list still works', async () => {
    const ws = workspace()
    const rels = BAD.map((c) => place(ws, c))
    const before = snapshotFiles(ws)
    // The files named one by one, as `psp validate <file>` is run above, but in one process.
    const named = await run(expect, ws, before, ['validate', ...rels, '--json'])
    expect(named.code, describeRun(['validate', '…', '--json'], named)).toBe(EXIT.problems)
    const report = json<Report>(named)
    expect(report).toMatchObject({ok: false, checked: BAD.length})
    for (const [i, c] of BAD.entries()) {
      // A cycle or a duplicate is reported once for its whole group, checked per case above.
      if (c.with === undefined) expectProblem(expect, report.problems, rels[i] as string, c)
    }
    expect(report.problems.filter((p) => String(p['path']).startsWith('data/tasks/cycle-'))).toHaveLength(1)
    expect(report.problems.filter((p) => String(p['path']).startsWith('data/tasks/duplicate-id-'))).toHaveLength(1)
    expect(report.problems).toHaveLength(BAD.length - 3)

    // The whole workspace: the same problems (the support records are fine), one line each.
    const all = await run(expect, ws, before, ['validate'])
    expect(all.code).toBe(EXIT.problems)
    const lines = all.stdout.trimEnd().split('\n')
    expect(lines).toEqual(report.problems.map((p) => `${String(p['path'])}:${String(p['line'])}:${String(p['col'])}: ${p['field'] === undefined ? '' : `${String(p['field'])}: `}${String(p['message'])}`))

    // Files that cannot be read at all do not stop a listing: it warns about them on stderr and
    // lists every record that can be read.
    const unreadable = BAD.filter((c) => !c.parses)
    for (const args of [['task', 'list'], ['task', 'list', '--json']]) {
      const list = await run(expect, ws, before, args)
      const what = describeRun(args, list)
      expect(list.code, what).toBe(0)
      expect(list.stderr, what).toMatch(new RegExp(`^Warning: ${unreadable.length} documents could not be read \\(run psp validate\\): data/tasks/`, 'm'))
      expect(list.stderr.split('\n').filter((l) => l !== ''), what).toHaveLength(1)
    }
    const listed = json<{id: string}[]>(await run(expect, ws, before, ['task', 'list', '--json'])).map((r) => r.id)
    const readable = BAD.filter((c) => c.parses && c.show !== EXIT.notFound).map((c) => c.id as string)
    expect([...new Set(listed)].sort()).toEqual([...new Set([...readable, 'task-support'])].sort())
    for (const c of BAD) if (c.marker !== undefined) expect(fs.existsSync(path.join(ws, c.marker)), c.marker).toBe(false)
  })

  it('one unreadable file: task list names it in its warning', async () => {
    const ws = workspace()
    const rel = place(ws, BAD.find((c) => c.name === 'broken-yaml') as BadCase)
    const before = snapshotFiles(ws)
    const list = await run(expect, ws, before, ['task', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('task-support')
    expect(list.stderr).toBe(`Warning: 1 document could not be read (run psp validate): ${rel}\n`)
  })
})

describe('path tricks on the command line', () => {
  it('validate refuses paths outside the workspace, also through a symbolic link; ids are never paths', async () => {
    const ws = workspace()
    const outside = tempDir()
    dirs.push(outside)
    fs.writeFileSync(path.join(outside, 'secret.md'), '---\nid: task-secret\ntype: task\ntitle: Secret\n---\n')
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(ws, 'data', 'tasks', 'link.md'))
    const before = snapshotFiles(ws)
    for (const target of [path.join(outside, 'secret.md'), path.relative(ws, path.join(outside, 'secret.md')), 'data/tasks/link.md']) {
      const result = await run(expect, ws, before, ['validate', target])
      expectOneError(expect, result, describeRun(['validate', target], result), EXIT.unsafe, /^Error: path ".*" (is outside the workspace|leads outside the workspace through a symbolic link)$/)
    }
    // Listing never follows the links out of the workspace.
    const list = await run(expect, ws, before, ['task', 'list', '--json'])
    expect(list.code).toBe(0)
    expect(json<{id: string}[]>(list).map((r) => r.id)).not.toContain('task-secret')
    for (const id of ['../../etc/passwd', '/etc/passwd', 'data/tasks/support-task.md']) {
      const show = await run(expect, ws, before, ['task', 'show', id])
      expectOneError(expect, show, describeRun(['task', 'show', id], show), EXIT.notFound, /^Error: no task matches /)
    }
  })
})

describe('valid variants: validate passes, an edit changes one line and is undone byte for byte', () => {
  it('every valid variant passes psp validate, named one by one and as the whole workspace', async () => {
    const ws = workspace()
    const rels = GOOD.map((c) => place(ws, c))
    const before = snapshotFiles(ws)
    for (const args of [['validate', ...rels], ['validate']]) {
      const valid = await run(expect, ws, before, args)
      expect(valid.code, describeRun(args, valid)).toBe(0)
      expect(valid.stdout).toBe('')
      expect(valid.stderr).toMatch(/^\d+ documents checked, no problems\n$/)
    }
  })

  it('setting fields to the values they have changes no byte (comments, CRLF, BOM)', async () => {
    const ws = workspace()
    const edits: [string, string[]][] = [
      ['valid-comments', ['--set', 'status=todo', '--set', 'estimate=3', '--set', 'tags=[a, b]']],
      ['valid-bom-crlf', ['--set', 'status=review', '--set', 'title=BOM and CRLF']],
      ['valid-quoted-scalars', ['--set', 'due=2025-03-01', '--set', 'assignee=Ann "the Great" Lee']],
    ]
    const byName = (name: string) => GOOD.find((g) => g.name === name) as GoodCase
    for (const [name] of edits) place(ws, byName(name))
    const before = snapshotFiles(ws)
    for (const [name, args] of edits) {
      const c = byName(name)
      const same = await run(expect, ws, before, ['task', 'edit', c.id, ...args, '--json'])
      expect(same.code, describeRun(['task', 'edit', c.id, ...args], same)).toBe(0)
      expect(json<{changed: boolean}>(same).changed).toBe(false)
    }
  })

  describe.concurrent.each(GOOD)('$name', (c) => {
    it('shows, and round-trips every edit', async ({expect}) => {
      const ws = workspace()
      const rel = place(ws, c)
      const file = path.join(ws, rel)
      const original = fs.readFileSync(file)
      const crlf = original.includes('\r\n')
      let before = snapshotFiles(ws)

      const show = await run(expect, ws, before, ['task', 'show', c.id, '--json'])
      expect(show.code, describeRun(['task', 'show'], show)).toBe(0)
      expect(json<{title: string; path: string}>(show)).toMatchObject({title: c.title, path: rel})

      for (const [there, back] of c.trips) {
        const edit = await run(expect, ws, before, ['task', 'edit', c.id, ...there], rel)
        const what = describeRun(['task', 'edit', c.id, ...there], edit)
        expect(edit.code, what).toBe(0)
        const edited = fs.readFileSync(file)
        const diff = lineDiff(original.toString('utf8'), edited.toString('utf8'))
        expect(diff.added, `${what}\none line changed or added`).toHaveLength(1)
        expect(diff.removed.length, `${what}\nat most one line replaced`).toBeLessThanOrEqual(1)
        const key = (there[1] as string).split('=')[0] as string
        expect(diff.added[0], what).toMatch(new RegExp(`^\\s*(${escape(key)}:|- )`))
        // The new line ends like every other line of the file.
        expect((diff.added[0] as string).endsWith('\r'), what).toBe(crlf)
        expect(edited.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(original.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])))
        before = snapshotFiles(ws)

        const undo = await run(expect, ws, before, ['task', 'edit', c.id, ...back], rel)
        expect(undo.code, describeRun(['task', 'edit', c.id, ...back], undo)).toBe(0)
        const restored = fs.readFileSync(file)
        expect(restored.toString('utf8'), `${back.join(' ')} must restore the original bytes`).toBe(original.toString('utf8'))
        expect(restored.equals(original)).toBe(true)
        before = snapshotFiles(ws)
      }
    })
  })
})

describe('list edits keep what the user wrote', () => {
  // KNOWN GAP (reported, not fixed): `--add`/`--remove` re-render the whole flow list, so
  // `tags: [ ui, "api", 'db' ]` comes back as `tags: [ui, api, db]`: the padding and the quotes
  // of items nobody touched are lost. Correct: only the added or removed item changes.
  it.fails('adding then removing a tag in a padded flow list with quoted items restores it byte for byte', async () => {
    const ws = workspace()
    const c = GOOD.find((g) => g.name === 'valid-flow-lists') as GoodCase
    const file = path.join(ws, place(ws, c))
    const original = fs.readFileSync(file, 'utf8')
    expect((await pspAsync(['task', 'edit', c.id, '--add', 'tags=x'], {cwd: ws})).code).toBe(0)
    expect(fs.readFileSync(file, 'utf8')).toContain(`tags: [ ui, "api", 'db', x ]`)
    expect((await pspAsync(['task', 'edit', c.id, '--remove', 'tags=x'], {cwd: ws})).code).toBe(0)
    expect(fs.readFileSync(file, 'utf8')).toBe(original)
  })
})

describe('terminal safety', () => {
  it('control characters from a file (YAML escapes in values, raw bytes in the body) are shown, never sent to the terminal', async () => {
    const ws = workspace()
    const c = GOOD.find((g) => g.name === 'valid-escaped-control-chars') as GoodCase
    place(ws, c)
    const before = snapshotFiles(ws)
    // Tab and line breaks are fine; every other C0/C1 control character (ESC, BEL, a lone CR) is not.
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    const raw = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/
    for (const args of [['task', 'show', c.id], ['task', 'list'], ['task', 'list', '--format', 'md']]) {
      const result = await run(expect, ws, before, args)
      expect(result.code, describeRun(args, result)).toBe(0)
      expect(result.stdout, describeRun(args, result)).not.toMatch(raw)
      // (Markdown output escapes the backslash once more.)
      expect(result.stdout).toMatch(/Clears your screen \\{1,2}u001b\[2J/)
    }
    // --json is data: the exact value, escaped the JSON way.
    const shown = json<{title: string; assignee: string; body: string}>(await run(expect, ws, before, ['task', 'show', c.id, '--json']))
    expect(shown.title).toBe(c.title)
    expect(shown.assignee).toBe('\u001b[31mred\u001b[0m')
    expect(shown.body).toContain('\u001b[5m blinking and a lone carriage return \rhere.')
  })
})
