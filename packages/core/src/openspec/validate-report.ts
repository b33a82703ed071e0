/**
 * `openspec validate`: one item, every change and/or spec, or the archived changes' tasks — the
 * exact `--json` payloads openspec prints (items, summary, version, root; findings reports), and
 * the lines of its text output. Nothing here prints: commands render what is returned.
 */
import fs from 'node:fs'
import path from 'node:path'
import {AmbiguousIdError, NotFoundError, UnsafeInputError, UsageError} from '../errors.js'
import {describeNestedChange, findNestedChangesIn, getSpecIds, listChangeIds, NESTED_CHANGE_ISSUE_MARKER} from './discovery.js'
import {resolveOpenSpecRoot, rootOutput, type OpenSpecRoot} from './root.js'
import {getTaskProgressDetailForChange} from './task-progress.js'
import {VALIDATION_MESSAGES} from './validation-messages.js'
import {Validator, type ValidationIssue} from './validator.js'
import {withPathMemo} from './path-memo.js'

export type ItemType = 'change' | 'spec'

/** One validated item, as it appears in `items`. */
export interface ValidateItemResult {
  id: string
  type: ItemType
  valid: boolean
  issues: ValidationIssue[]
  durationMs: number
}

export interface TypeTotals {
  items: number
  passed: number
  failed: number
}

export interface ValidateSummary {
  totals: TypeTotals
  byType: Partial<Record<ItemType, TypeTotals>>
}

/** The `validate --json` payload (single item and bulk alike). */
export interface ValidatePayload {
  items: ValidateItemResult[]
  summary: ValidateSummary
  version: '1.0'
  root: ReturnType<typeof rootOutput>
}

/** The `--report findings` payload: only the items with issues. */
export interface FindingsPayload {
  report: {kind: 'validation-findings'; version: '1.0'; scope: FindingsScope; returnedItems: number; totalItems: number}
  itemFindings: ValidateItemResult[]
  summary: ValidateSummary
  root: ReturnType<typeof rootOutput>
}

export type FindingsScope = 'all' | 'changes' | 'specs' | 'archived'

/** One line of text output and the stream it goes to (openspec puts failures on stderr). */
export interface TextLine {
  stream: 'stdout' | 'stderr'
  text: string
}

/** Text output, in the order openspec prints it. */
export class TextOutput {
  readonly lines: TextLine[] = []
  out(...texts: string[]): void {
    for (const text of texts) this.lines.push({stream: 'stdout', text})
  }
  err(...texts: string[]): void {
    for (const text of texts) this.lines.push({stream: 'stderr', text})
  }
}

/** A validate run: the JSON payload, its text rendering, and whether openspec would exit non-zero. */
export interface ValidateOutcome<P = ValidatePayload | FindingsPayload> {
  payload: P
  text: TextOutput
  failed: boolean
}

const LEVEL_MARK: Record<ValidationIssue['level'], string> = {ERROR: '✗', WARNING: '⚠', INFO: 'ℹ'}

/** openspec's checks on an item name used as a path segment. */
export function folderNameProblem(value: string, label: string): string | null {
  if (value.length === 0) return `${label} must not be empty`
  if (value === '.' || value === '..') return `${label} must not be '${value}'`
  if (/[\\/]/u.test(value)) return `${label} must not contain path separators`
  return null
}

/** Edit distance, for "did you mean" suggestions. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length] as number
}

/** The (at most five) candidates nearest to `input`, nearest first, ties in candidate order. */
export function nearestMatches(input: string, candidates: readonly string[], max = 5): string[] {
  return candidates
    .map((candidate) => ({candidate, distance: levenshtein(input, candidate)}))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, max)
    .map((s) => s.candidate)
}

/** `Unknown item 'x'. Did you mean: …?` — thrown as NotFoundError carrying openspec's diagnostic. */
export function unknownItemError(itemName: string, candidates: readonly string[]): NotFoundError {
  const suggestions = nearestMatches(itemName, candidates)
  const message = suggestions.length ? `Unknown item '${itemName}'. Did you mean: ${suggestions.join(', ')}?` : `Unknown item '${itemName}'.`
  return new NotFoundError(message, {data: {diagnostic: {severity: 'error', code: 'unknown_item', message}}})
}

/** An item name that is both a change and a spec. */
export function ambiguousItemError(itemName: string): AmbiguousIdError {
  const message = `Ambiguous item '${itemName}' matches both a change and a spec.`
  return new AmbiguousIdError(message, {
    hint: 'Pass --type change|spec.',
    data: {diagnostic: {severity: 'error', code: 'ambiguous_item', message, fix: 'Pass --type change|spec.'}},
  })
}

function summarize(results: readonly ValidateItemResult[], type: ItemType): TypeTotals {
  const mine = results.filter((r) => r.type === type)
  const passed = mine.filter((r) => r.valid).length
  return {items: mine.length, passed, failed: mine.length - passed}
}

function issueLines(issues: readonly ValidationIssue[], indent: string): string[] {
  return issues.map((i) => `${indent}${LEVEL_MARK[i.level]} [${i.level}] ${i.path}: ${i.message}`)
}

/** A namespace folder wrapping nested changes is reported as such instead of as a change without deltas. */
function nestedChangeIssues(root: OpenSpecRoot, id: string): ValidationIssue[] | undefined {
  const finding = findNestedChangesIn(root.changesDir, id)
  return finding ? [{level: 'ERROR', path: 'file', message: describeNestedChange(finding)}] : undefined
}

/** Validates one change or spec of `root` by type (the name is checked for path tricks first). */
export function validateItemByType(root: OpenSpecRoot, type: ItemType, id: string, strict: boolean): ValidateItemResult {
  const problem =
    type === 'change'
      ? folderNameProblem(id, 'Change name')
      : (id
          .split('/')
          .map((segment) => folderNameProblem(segment, 'Spec id'))
          .find(Boolean) ?? null)
  if (problem) throw new UnsafeInputError(problem, {data: {diagnostic: {severity: 'error', code: 'invalid_item', message: problem}}})
  const start = Date.now()
  const validator = new Validator(strict)
  if (type === 'change') {
    const nested = nestedChangeIssues(root, id)
    if (nested) return {id, type, valid: false, issues: nested, durationMs: Date.now() - start}
    const report = validator.validateChangeDeltaSpecs(path.join(root.changesDir, id), {mainSpecsDir: root.specsDir, projectRoot: root.path})
    return {id, type, valid: report.valid, issues: report.issues, durationMs: Date.now() - start}
  }
  const report = validator.validateSpec(path.join(root.specsDir, id, 'spec.md'))
  return {id, type, valid: report.valid, issues: report.issues, durationMs: Date.now() - start}
}

/**
 * `validate <item> [--type]`: resolves the item among the changes and specs (unknown and
 * ambiguous names throw with openspec's messages) and validates it.
 */
export function validateSingleItem(root: OpenSpecRoot, itemName: string, options: {type?: ItemType; strict?: boolean} = {}): ValidateOutcome<ValidatePayload> {
  let type = options.type
  if (type === undefined) {
    const changes = listChangeIds(root.changesDir)
    const specs = getSpecIds(root.path)
    const isChange = changes.includes(itemName)
    const isSpec = specs.includes(itemName)
    if (!isChange && !isSpec) throw unknownItemError(itemName, [...changes, ...specs])
    if (isChange && isSpec) throw ambiguousItemError(itemName)
    type = isChange ? 'change' : 'spec'
  }
  const result = validateItemByType(root, type, itemName, options.strict ?? false)
  const totals = {items: 1, passed: result.valid ? 1 : 0, failed: result.valid ? 0 : 1}
  const payload: ValidatePayload = {items: [result], summary: {totals, byType: {[type]: {...totals}}}, version: '1.0', root: rootOutput(root)}
  const label = type === 'change' ? 'Change' : 'Specification'
  const text = new TextOutput()
  if (result.valid) text.out(`${label} '${itemName}' is valid`)
  else text.err(`${label} '${itemName}' has issues`)
  text.err(...issueLines(result.issues, ''))
  if (!result.valid) text.err(...nextSteps(type, itemName, result.issues))
  return {payload, text, failed: !result.valid}
}

function nextSteps(type: ItemType, id: string, issues: readonly ValidationIssue[]): string[] {
  const has = (s: string) => issues.some((i) => i.message.includes(s))
  let bullets: string[]
  if (type === 'change' && has(NESTED_CHANGE_ISSUE_MARKER)) {
    bullets = [
      '- Move each nested change directly under openspec/changes/, folding the namespace into its name',
      '- Only specs may be nested by domain; change directories are always flat',
    ]
  } else if (type === 'change' && has(VALIDATION_MESSAGES.CHANGE_SKIP_SPECS_CONFLICT)) {
    bullets = [
      '- This change declares skip_specs (no spec deltas): delete the files under specs/, or remove skip_specs from .openspec.yaml if requirements do change',
      '- skip_specs is only honored when .openspec.yaml is valid change metadata (schema: <name> naming a known schema is required)',
    ]
  } else if (type === 'change' && has(VALIDATION_MESSAGES.CHANGE_SKIP_SPECS_INVALID_METADATA)) {
    bullets = [
      '- Fix .openspec.yaml so the skip_specs marker can be honored (schema: <name> naming a known schema is required)',
      '- Or remove skip_specs from .openspec.yaml and add delta specs instead',
    ]
  } else if (type === 'change') {
    bullets = [
      '- Ensure change has deltas in specs/: use headers ## ADDED/MODIFIED/REMOVED/RENAMED Requirements',
      '- Each requirement MUST include at least one #### Scenario: block',
      `- Debug parsed deltas: openspec show ${id} --json --deltas-only`,
    ]
  } else {
    bullets = [
      '- Ensure spec includes ## Purpose and ## Requirements sections',
      '- Each requirement MUST include at least one #### Scenario: block',
      '- Re-run with --json to see structured report',
    ]
  }
  return ['Next steps:', ...bullets.map((b) => `  ${b}`)]
}

export interface BulkOptions {
  changes: boolean
  specs: boolean
  strict?: boolean
  /** Produce the findings report of this scope instead of the full one. */
  findingsScope?: FindingsScope
}

/** One item of a bulk validation: its kind and id. */
export type BulkItem = [ItemType, string]

/** One item of a bulk validation; an item whose validation throws is reported as failed. */
export function validateBulkItem(root: OpenSpecRoot, [type, id]: BulkItem, strict: boolean): ValidateItemResult {
  try {
    return validateItemByType(root, type, id, strict)
  } catch (error) {
    const message = (error as Error | undefined)?.message || 'Unknown error'
    return {id, type, valid: false, issues: [{level: 'ERROR', path: 'file', message}], durationMs: 0}
  }
}

/**
 * `validate --all | --changes | --specs`: every item of the chosen kinds, sorted by id (changes
 * before specs of the same name). An item whose validation throws is reported as failed.
 */
export function validateBulk(root: OpenSpecRoot, options: BulkOptions): ValidateOutcome {
  const changeIds = options.changes ? listChangeIds(root.changesDir) : []
  const specIds = options.specs ? getSpecIds(root.path) : []
  const items: BulkItem[] = [...changeIds.map((id): BulkItem => ['change', id]), ...specIds.map((id): BulkItem => ['spec', id])]
  const strict = options.strict ?? false
  const results = items.map((item) => validateBulkItem(root, item, strict))
  results.sort((a, b) => a.id.localeCompare(b.id))
  const passed = results.filter((r) => r.valid).length
  const summary: ValidateSummary = {
    totals: {items: results.length, passed, failed: results.length - passed},
    byType: {
      ...(options.changes ? {change: summarize(results, 'change')} : {}),
      ...(options.specs ? {spec: summarize(results, 'spec')} : {}),
    },
  }
  const failed = results.length - passed > 0
  if (options.findingsScope) return findingsOutcome(results, summary, root, options.findingsScope, failed)
  const payload: ValidatePayload = {items: results, summary, version: '1.0', root: rootOutput(root)}
  const text = new TextOutput()
  if (results.length === 0) {
    text.out('No items found to validate.')
    return {payload, text, failed: false}
  }
  for (const res of results) {
    if (res.valid) text.out(`✓ ${res.type}/${res.id}`)
    else text.err(`✗ ${res.type}/${res.id}`)
    text.err(...issueLines(res.issues, '  '))
  }
  text.out(`Totals: ${summary.totals.passed} passed, ${summary.totals.failed} failed (${summary.totals.items} items)`)
  text.out(...detailsHint(results))
  return {payload, text, failed}
}

function detailsHint(results: readonly ValidateItemResult[]): string[] {
  const first = results.find((r) => !r.valid)
  return first ? [`Details: openspec validate ${first.id} --type ${first.type}`] : []
}

function findingsOutcome(
  results: ValidateItemResult[],
  summary: ValidateSummary,
  root: OpenSpecRoot,
  scope: FindingsScope,
  failed: boolean,
): ValidateOutcome<FindingsPayload> {
  const itemFindings = results.filter((r) => r.issues.length > 0)
  const payload: FindingsPayload = {
    report: {kind: 'validation-findings', version: '1.0', scope, returnedItems: itemFindings.length, totalItems: summary.totals.items},
    itemFindings,
    summary,
    root: rootOutput(root),
  }
  const text = new TextOutput()
  text.out(`Scope: ${scope} (${summary.totals.items} items)`)
  if (itemFindings.length === 0) text.out('No item findings.')
  for (const item of itemFindings) {
    text.err(`${item.type}/${item.id}`)
    for (const i of item.issues) text.err(`  [${i.level}] ${i.path}: ${i.message}`)
  }
  text.out(`Totals: ${summary.totals.passed} passed, ${summary.totals.failed} failed (${summary.totals.items} items)`)
  if (scope !== 'archived') text.out(...detailsHint(results))
  return {payload, text, failed}
}

/**
 * `validate --archived`: every archived change must have all its tasks checked. A task file that
 * exists but cannot be read fails its change.
 */
export function validateArchived(root: OpenSpecRoot, findingsScope?: FindingsScope): ValidateOutcome {
  const ids = listArchivedIds(root.archiveDir)
  const results: ValidateItemResult[] = []
  for (const id of ids) {
    const start = Date.now()
    const issues: ValidationIssue[] = []
    try {
      const progress = getTaskProgressDetailForChange(root.archiveDir, id, root.path)
      for (const file of progress.unreadable) {
        issues.push({level: 'ERROR', path: path.relative(root.path, file).replace(/\\/g, '/'), message: 'could not read task file'})
      }
      const incomplete = Math.max(progress.total - progress.completed, 0)
      if (incomplete > 0) {
        issues.push({
          level: 'ERROR',
          path: 'tasks.md',
          message: `${incomplete} incomplete task${incomplete === 1 ? '' : 's'} (${progress.completed}/${progress.total} completed)`,
        })
      }
    } catch (error) {
      issues.push({level: 'ERROR', path: 'tasks.md', message: (error as Error | undefined)?.message || 'Unknown error'})
    }
    results.push({id, type: 'change', valid: issues.length === 0, issues, durationMs: Date.now() - start})
  }
  const passed = results.filter((r) => r.valid).length
  const summary: ValidateSummary = {totals: {items: results.length, passed, failed: results.length - passed}, byType: {change: summarize(results, 'change')}}
  const failed = results.length - passed > 0
  if (findingsScope) return findingsOutcome(results, summary, root, findingsScope, failed)
  const payload: ValidatePayload = {items: results, summary, version: '1.0', root: rootOutput(root)}
  const text = new TextOutput()
  if (results.length === 0) {
    text.out('No archived changes found.')
    return {payload, text, failed: false}
  }
  for (const res of results) {
    if (res.valid) text.out(`✓ change/${res.id}`)
    else {
      text.err(`✗ change/${res.id}`)
      for (const i of res.issues) text.err(`  ${LEVEL_MARK[i.level]} ${i.message}`)
    }
  }
  text.out(`Totals: ${summary.totals.passed} passed, ${summary.totals.failed} failed (${summary.totals.items} items)`)
  return {payload, text, failed}
}

/** Archived change folders; only a missing archive folder means none (other failures are thrown). */
function listArchivedIds(archiveDir: string): string[] {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(archiveDir, {withFileTypes: true})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
}

export interface ReportRequest {
  report: string
  hasItem: boolean
  archived: boolean
  all: boolean
  changes: boolean
  specs: boolean
}

/**
 * The scope of a `--report` request: undefined for `full`, the findings scope for `findings`.
 * Throws UsageError (with openspec's message, fix and diagnostic) for a refused combination.
 */
export function findingsScopeOf(request: ReportRequest): FindingsScope | undefined {
  const bulk = request.all || request.changes || request.specs
  const message =
    request.report !== 'full' && request.report !== 'findings'
      ? `Unknown validation report '${request.report}'.`
      : request.hasItem
        ? 'A validation report cannot be combined with an item name.'
        : request.archived && bulk
          ? 'A validation report cannot combine archived and active scopes.'
          : !request.archived && !bulk
            ? 'A validation report requires an explicit bulk scope.'
            : undefined
  if (message) {
    const fix = 'Use --report full|findings with --all, --changes, --specs, or --archived, without an item name. Do not combine archived and active scopes.'
    throw new UsageError(message, {hint: fix, data: {diagnostic: {severity: 'error', code: 'invalid_validation_report_request', message, fix}}})
  }
  if (request.report !== 'findings') return undefined
  if (request.archived) return 'archived'
  if (request.all || (request.changes && request.specs)) return 'all'
  return request.changes ? 'changes' : 'specs'
}

/** Everything `validate` was asked, as flags give it. */
export interface ValidateRequest {
  item?: string
  all?: boolean
  changes?: boolean
  specs?: boolean
  archived?: boolean
  /** `--report full|findings`. */
  report?: string
  /** `--type`: anything but `change` / `spec` (any case) is ignored, as openspec ignores it. */
  type?: string
  strict?: boolean
  /** Where to look for the OpenSpec root (default: the working directory). */
  startPath?: string
}

/**
 * Runs `validate` as openspec does: the report request is checked first, then the root is found
 * (bulk runs need a real one), then archived, bulk or single-item validation. With no item and no
 * scope, throws UsageError (openspec would prompt on a terminal, or print this hint).
 */
export function runValidate(request: ValidateRequest): ValidateOutcome {
  const all = request.all ?? false
  const changes = request.changes ?? false
  const specs = request.specs ?? false
  const archived = request.archived ?? false
  const findingsScope =
    request.report === undefined ? undefined : findingsScopeOf({report: request.report, hasItem: request.item !== undefined, archived, all, changes, specs})
  const bulk = all || changes || specs
  const root = resolveOpenSpecRoot({...(request.startPath === undefined ? {} : {startPath: request.startPath}), ...(bulk ? {allowImplicitRoot: false} : {})})
  if (archived) return validateArchived(root, findingsScope)
  // Read-only, and it asks about the same folders many times: remember the answers for the pass.
  if (bulk) return withPathMemo(() => validateBulk(root, {changes: all || changes, specs: all || specs, strict: request.strict ?? false, findingsScope}))
  if (request.item === undefined) {
    throw new UsageError('Nothing to validate.', {
      hint: 'Try one of: psp openspec validate --all | --changes | --specs | <item-name>',
      data: {diagnostic: {severity: 'error', code: 'missing_item', message: 'Nothing to validate.'}},
    })
  }
  const type = request.type?.toLowerCase()
  return validateSingleItem(root, request.item, {type: type === 'change' || type === 'spec' ? type : undefined, strict: request.strict ?? false})
}
