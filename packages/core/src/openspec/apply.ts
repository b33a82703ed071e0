/**
 * Applying a change's delta specs to the main specs, as openspec's archive does: which main spec
 * each delta updates, the rebuilt text of that spec (operations applied in the order RENAMED,
 * REMOVED, MODIFIED, ADDED; blank lines normalised; line endings of the old file kept), writing it,
 * and retiring a capability whose last requirement a change removed. Every refusal is decided
 * before anything is written; the messages are openspec's, word for word.
 */
import {randomUUID} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {InvalidDocumentError, IoError, UnsafeInputError} from '../errors.js'
import {unaccountedContent, firstForeignTail} from './archive-audit.js'
import {assertTrustedSpecPath, isLexicallyWithin, resolveTrustedSpecPath} from './archive-paths.js'
import {extractPurposeSection} from './archive-purpose.js'
import {buildCodeFenceMask} from './code-fence.js'
import {discoverSpecFiles} from './discovery.js'
import {
  describeScenarioBalance,
  diffScenarioNames,
  extractRequirementsSection,
  foldRequirementName,
  normalizeRequirementName,
  parseDeltaSpec,
  type RequirementBlock,
} from './requirement-blocks.js'
import {parseSpecContent} from './markdown.js'
import {findMainSpecStructureIssues} from './spec-structure.js'
import {MIN_PURPOSE_LENGTH, PURPOSE_PLACEHOLDER_PREFIX, PURPOSE_PLACEHOLDER_SUFFIX} from './validation-messages.js'
import {parsedOnce, readFileText} from './path-memo.js'

/** One delta spec of a change and the main spec it updates. */
export interface SpecUpdate {
  /** Capability id, `/`-separated for nested capabilities (`area/auth`). */
  id: string
  /** The folder the delta file is confined to (the change's specs/, real path). */
  sourceRoot: string
  /** The delta spec file. */
  source: string
  /** The folder the main spec is confined to (openspec/specs, or a linked capability's real folder). */
  targetRoot: string
  /** The main spec file (it may not exist yet). */
  target: string
  /** Whether the main spec exists already. */
  exists: boolean
  /** Set when a linked capability folder leads outside the project: where the write really goes. */
  external?: string
}

/** How many operations of each kind really changed the spec (re-applied ones do not count). */
export interface SpecCounts {
  added: number
  modified: number
  removed: number
  renamed: number
}

/** A main spec rebuilt from its delta, not written yet. */
export interface BuiltSpec {
  /** The new text, LF line endings (the writer restores the file's own). */
  rebuilt: string
  counts: SpecCounts
  /** Non-blocking findings, in openspec's wording (openspec prints them as `⚠️  Warning: …`). */
  warnings: string[]
  /** True when the rebuilt spec has no requirement left. */
  noRequirementBlocks: boolean
  /** Lines of the old spec a retirement could not name (see archive-audit). */
  unaccountedContent: string[]
}

/** Kept for the shape of openspec's call; psp's core never prints, so `silent` changes nothing. */
export interface BuildSpecOptions {
  /** openspec's option to keep its console quiet; psp's core never prints, so it changes nothing. */
  silent?: boolean
  /** Leave `unaccountedContent` empty: validation's dry run never reads it, and it costs a scan of the spec. */
  skipAudit?: boolean
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** Whether anything (a link included, dangling or not) sits at `file`. */
const present = (file: string) => fs.lstatSync(file, {throwIfNoEntry: false}) !== undefined

function ioError(error: unknown): IoError {
  return new IoError(error instanceof Error ? error.message : String(error), {cause: error})
}

/**
 * The delta specs of the change in `changeDir`, each paired with the main spec under
 * `mainSpecsDir` it updates (same capability path), sorted by capability id. Paths that leave
 * their folder through `..` or links are refused.
 */
export function findSpecUpdates(changeDir: string, mainSpecsDir: string): SpecUpdate[] {
  const changeSpecsDir = path.join(changeDir, 'specs')
  // Main specs live at <project>/openspec/specs: a linked capability may not leave the project.
  const projectRoot = path.dirname(path.dirname(mainSpecsDir))
  return discoverSpecFiles(changeSpecsDir).map(({id, specFile}) => {
    const source = resolveTrustedSpecPath(changeSpecsDir, specFile)
    const target = resolveTrustedSpecPath(mainSpecsDir, path.join(mainSpecsDir, ...id.split('/'), 'spec.md'), projectRoot)
    return {
      id,
      sourceRoot: source.root,
      source: source.file,
      targetRoot: target.root,
      target: target.file,
      exists: fs.existsSync(target.file),
      ...(target.external === undefined ? {} : {external: target.external}),
    }
  })
}

/** The first spec text of a new capability: title, Purpose (the delta's, else a placeholder), empty Requirements. */
export function buildSpecSkeleton(specFolderName: string, changeName: string, purpose?: string): string {
  const body = purpose?.trim() || `${PURPOSE_PLACEHOLDER_PREFIX}${changeName}${PURPOSE_PLACEHOLDER_SUFFIX}`
  return `# ${specFolderName} Specification\n\n## Purpose\n${body}\n\n## Requirements\n`
}

/**
 * The Purpose as the spec reader would see it in `skeleton`, or null when carrying the delta's
 * Purpose over would give a spec the readers cannot handle (a comment hiding text, a heading or an
 * open fence swallowing a section).
 */
function readableOverview(skeleton: string, specName: string): string | null {
  // Text hidden in a comment would be skipped by the readers yet still land in the file.
  if (skeleton.includes('<!--')) return null
  if (findMainSpecStructureIssues(skeleton).length > 0) return null
  try {
    return parseSpecContent(skeleton, specName).overview.trim() || null
  } catch {
    return null
  }
}

/** Collapses runs of empty lines to one, except inside fenced code (a sample keeps its blank lines). */
function collapseBlankRuns(content: string): string {
  const lines = content.split('\n')
  const fenced = buildCodeFenceMask(lines)
  const kept: string[] = []
  let blanks = 0
  lines.forEach((line, i) => {
    if (fenced[i] || line !== '') {
      blanks = 0
      kept.push(line)
    } else if (++blanks === 1) {
      kept.push(line)
    }
  })
  return kept.join('\n')
}

const normalizeBlockRaw = (raw: string) => raw.replace(/\r\n?/g, '\n').trim()

/** Non-overlapping occurrences, so one kept copy cannot hide the loss of another. */
function countOccurrences(haystack: string, needle: string): number {
  if (!needle) return 0
  let count = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++
  return count
}

const refuse = (message: string) => new InvalidDocumentError(message)

/** The delta's own contradictions, refused before the main spec is even read. */
function checkDeltaPlan(specName: string, plan: ReturnType<typeof parseDeltaSpec>): void {
  const failed = `${specName} validation failed -`
  const first = plan.unpairedRenames[0]
  if (first !== undefined) {
    const missing = first.side === 'FROM' ? 'TO' : 'FROM'
    throw refuse(
      `${failed} RENAMED entry on line ${first.line} has no matching ${missing}: for header "### Requirement: ${first.name}". ` +
        'Write each rename as a FROM: line followed immediately by its TO: line.',
    )
  }
  const uniqueNames = (names: string[], section: string): Set<string> => {
    const seen = new Set<string>()
    for (const raw of names) {
      const name = normalizeRequirementName(raw)
      if (seen.has(name)) throw refuse(`${failed} duplicate requirement in ${section} for header "### Requirement: ${raw}"`)
      seen.add(name)
    }
    return seen
  }
  const added = uniqueNames(
    plan.added.map((b) => b.name),
    'ADDED',
  )
  const modified = uniqueNames(
    plan.modified.map((b) => b.name),
    'MODIFIED',
  )
  const removed = uniqueNames(plan.removed, 'REMOVED')
  const renamedFrom = new Set<string>()
  const renamedTo = new Set<string>()
  for (const {from, to} of plan.renamed) {
    const f = normalizeRequirementName(from)
    const t = normalizeRequirementName(to)
    if (renamedFrom.has(f)) throw refuse(`${failed} duplicate FROM in RENAMED for header "### Requirement: ${from}"`)
    if (renamedTo.has(t)) throw refuse(`${failed} duplicate TO in RENAMED for header "### Requirement: ${to}"`)
    renamedFrom.add(f)
    renamedTo.add(t)
  }
  const conflicts: Array<{name: string; a: string; b: string}> = []
  for (const n of modified) {
    if (removed.has(n)) conflicts.push({name: n, a: 'MODIFIED', b: 'REMOVED'})
    if (added.has(n)) conflicts.push({name: n, a: 'MODIFIED', b: 'ADDED'})
  }
  for (const n of added) if (removed.has(n)) conflicts.push({name: n, a: 'ADDED', b: 'REMOVED'})
  for (const {from, to} of plan.renamed) {
    const f = normalizeRequirementName(from)
    const t = normalizeRequirementName(to)
    // Compared folded: a case variant in REMOVED must not slip past as a warned no-op.
    const removedVariant = [...removed].find((r) => foldRequirementName(r) === foldRequirementName(f))
    if (removedVariant !== undefined) {
      throw refuse(
        `${failed} requirement present in multiple sections (RENAMED and REMOVED) for header "### Requirement: ${from}"` +
          (removedVariant === f ? '' : ` (REMOVED spells it "${removedVariant}")`),
      )
    }
    if (modified.has(f)) throw refuse(`${failed} when a rename exists, MODIFIED must reference the NEW header "### Requirement: ${to}"`)
    if (added.has(t)) throw refuse(`${failed} RENAMED TO header collides with ADDED for "### Requirement: ${to}"`)
  }
  const c = conflicts[0]
  if (c !== undefined) throw refuse(`${failed} requirement present in multiple sections (${c.a} and ${c.b}) for header "### Requirement: ${c.name}"`)
  if (plan.added.length + plan.modified.length + plan.removed.length + plan.renamed.length === 0) {
    throw refuse(`Delta parsing found no operations for ${specName}. Provide ADDED/MODIFIED/REMOVED/RENAMED sections in change spec.`)
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileText(file)
  } catch (error) {
    // A missing spec is a new one; any other failure is not, and must not be papered over.
    const code = errnoOf(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw ioError(error)
  }
}

/**
 * The main spec of `update` with its delta applied, and what changed. Throws (openspec's
 * messages) on a delta that contradicts itself or the spec: a rename whose source is missing, a
 * MODIFIED block that would drop scenarios, an ADDED requirement that already exists differently,
 * a structurally broken main spec. Operations already present in the spec (synced early) are
 * no-ops, not failures. Nothing is written.
 */
export function buildUpdatedSpec(update: SpecUpdate, changeName: string, options: BuildSpecOptions = {}): BuiltSpec {
  const warnings: string[] = []
  const warn = (message: string) => warnings.push(message)
  const specName = update.id

  assertTrustedSpecPath(update.sourceRoot, update.source)
  let changeContent: string
  try {
    changeContent = readFileText(update.source)
  } catch (error) {
    throw ioError(error)
  }
  const plan = parsedOnce(parseDeltaSpec, changeContent)
  checkDeltaPlanOrphans(specName, plan, warn)
  checkDeltaPlan(specName, plan)

  const deltaPurpose = extractPurposeSection(changeContent)
  assertTrustedSpecPath(update.targetRoot, update.target)
  let targetContent = readText(update.target)
  const isNewSpec = targetContent === undefined
  if (targetContent !== undefined) {
    if (deltaPurpose) {
      const existing = extractPurposeSection(targetContent)
      if (existing && existing !== deltaPurpose) {
        warn(`${specName} - delta Purpose ignored; ${specName} already has one. Edit ${update.target} directly to change it.`)
      }
    }
  } else {
    if (plan.modified.length > 0 || plan.renamed.length > 0) {
      throw refuse(
        `${specName}: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.`,
      )
    }
    if (plan.removed.length > 0) warn(`${specName} - ${plan.removed.length} REMOVED requirement(s) ignored for new spec (nothing to remove).`)
    targetContent = buildSpecSkeleton(specName, changeName, deltaPurpose)
    const overview = deltaPurpose ? readableOverview(targetContent, specName) : null
    if (deltaPurpose && !overview) {
      // The placeholder, not a failure: such deltas archived cleanly before Purposes were carried over.
      targetContent = buildSpecSkeleton(specName, changeName)
      warn(`${specName} - delta Purpose ignored (it would leave the new spec unreadable); wrote the placeholder Purpose instead.`)
    } else if (overview && overview.length < MIN_PURPOSE_LENGTH) {
      warn(`${specName} - carried Purpose is under ${MIN_PURPOSE_LENGTH} characters; openspec validate --strict reports it as too brief.`)
    }
  }

  const structureIssues = parsedOnce(findMainSpecStructureIssues, targetContent)
  if (structureIssues.length > 0) {
    const details = structureIssues.map((issue) => `line ${issue.line}: ${issue.message}`).join('\n')
    throw refuse(`${specName}: target spec is structurally invalid and cannot be updated until fixed:\n${details}`)
  }

  const parts = parsedOnce(extractRequirementsSection, targetContent)
  const byName = new Map<string, RequirementBlock>()
  for (const block of parts.bodyBlocks) byName.set(normalizeRequirementName(block.name), block)
  // The key each original block answers to now; a rename changes it, the position stays.
  const slotKeys = parts.bodyBlocks.map((block) => normalizeRequirementName(block.name))
  const header = (name: string) => `"### Requirement: ${name}"`
  const nameOf = (key: string) => (byName.get(key) as RequirementBlock).name

  let renamed = 0
  for (const r of plan.renamed) {
    const from = normalizeRequirementName(r.from)
    const to = normalizeRequirementName(r.to)
    if (!byName.has(from)) {
      if (byName.has(to)) {
        // Already renamed in the main spec (synced early) — unless a near-miss of the source is
        // still there, which means a mistyped header rather than an early sync.
        const nearMiss = [...byName.keys()].find((k) => k !== to && foldRequirementName(k) === foldRequirementName(from))
        if (nearMiss !== undefined) {
          throw refuse(`${specName} RENAMED failed for header ${header(r.from)} - source not found, but ${header(nameOf(nearMiss))} exists; fix the header to match it exactly`)
        }
        continue
      }
      throw refuse(`${specName} RENAMED failed for header ${header(r.from)} - source not found`)
    }
    if (byName.has(to)) throw refuse(`${specName} RENAMED failed for header ${header(r.to)} - target already exists`)
    const twin = [...byName.keys()].find((k) => k !== from && foldRequirementName(k) === foldRequirementName(to))
    if (twin !== undefined) {
      throw refuse(
        `${specName} RENAMED failed for header ${header(r.to)} - ${header(nameOf(twin))} already exists and differs only in case or spacing; choose a distinct name`,
      )
    }
    const block = byName.get(from) as RequirementBlock
    const newHeader = `### Requirement: ${to}`
    const rawLines = block.raw.split('\n')
    rawLines[0] = newHeader
    byName.delete(from)
    byName.set(to, {headerLine: newHeader, name: to, raw: rawLines.join('\n')})
    const slot = slotKeys.indexOf(from)
    if (slot >= 0) slotKeys[slot] = to
    renamed++
  }

  let removed = 0
  for (const name of plan.removed) {
    const key = normalizeRequirementName(name)
    if (!byName.has(key)) {
      // Already gone (synced early) is a no-op; a case/spacing variant still present is a typo.
      if (!isNewSpec) {
        const nearMiss = [...byName.keys()].find((k) => foldRequirementName(k) === foldRequirementName(key))
        if (nearMiss !== undefined) {
          throw refuse(`${specName} REMOVED failed for header ${header(name)} - not found, but ${header(nameOf(nearMiss))} exists; fix the header to match it exactly`)
        }
        warn(`${specName} - REMOVED requirement "${name}" is not in the current spec; treating it as already removed.`)
      }
      continue
    }
    byName.delete(key)
    removed++
  }

  let modified = 0
  for (const mod of plan.modified) {
    const key = normalizeRequirementName(mod.name)
    const current = byName.get(key)
    if (!current) throw refuse(`${specName} MODIFIED failed for header ${header(mod.name)} - not found`)
    const headerMatch = /^###\s*Requirement:\s*(.+)\s*$/i.exec(mod.raw.split('\n')[0] as string)
    if (!headerMatch || normalizeRequirementName(headerMatch[1] as string) !== key) {
      throw refuse(`${specName} MODIFIED failed for header ${header(mod.name)} - header mismatch in content`)
    }
    const diff = diffScenarioNames(current, mod)
    if (diff.missing.length > 0) {
      throw refuse(
        `${specName} MODIFIED failed for header ${header(mod.name)} - current spec contains scenario(s) not present in the modified block: ` +
          `${diff.missing.map((n) => `"${n}"`).join(', ')}. ${describeScenarioBalance(diff)} Refresh the change spec before archiving to avoid dropping scenarios.`,
      )
    }
    // Identical content was synced early: it does not count, so a fully synced change writes nothing.
    if (normalizeBlockRaw(current.raw) !== normalizeBlockRaw(mod.raw)) modified++
    byName.set(key, mod)
  }

  let added = 0
  for (const add of plan.added) {
    const key = normalizeRequirementName(add.name)
    const existing = byName.get(key)
    if (existing) {
      if (normalizeBlockRaw(existing.raw) === normalizeBlockRaw(add.raw)) continue
      throw refuse(`${specName} ADDED failed for header ${header(add.name)} - already exists`)
    }
    const twin = [...byName.keys()].find((k) => foldRequirementName(k) === foldRequirementName(key))
    if (twin !== undefined) {
      throw refuse(
        `${specName} ADDED failed for header ${header(add.name)} - ${header(nameOf(twin))} already exists and differs only in case or spacing; ` +
          'use MODIFIED with that exact header to change it, or choose a distinct name',
      )
    }
    byName.set(key, add)
    added++
  }

  // Original order first (each slot under its current key), then what was added.
  const kept: RequirementBlock[] = []
  const placed = new Set<string>()
  parts.bodyBlocks.forEach((block, index) => {
    const key = slotKeys[index] as string
    const replacement = byName.get(key)
    if (replacement) {
      kept.push(replacement)
      placed.add(key)
    }
    if (replacement !== block) warnLostTail(specName, block, replacement, warn)
  })
  for (const [key, block] of byName) if (!placed.has(key)) kept.push(block)

  const preamble = parts.preamble && parts.preamble.trim() ? parts.preamble.trimEnd() : ''
  const body = [preamble]
    .filter(Boolean)
    .concat(kept.map((b) => b.raw))
    .join('\n\n')
    .trimEnd()
  // One blank line between the slices: they carry at most one edge newline each.
  const rebuilt =
    collapseBlankRuns(
      [parts.before.trimEnd(), parts.headerLine, body, parts.after.trim()].filter((s) => s !== '').join('\n\n'),
    ).trimEnd() + '\n'

  return {
    rebuilt,
    counts: {added, modified, removed, renamed},
    warnings,
    noRequirementBlocks: kept.length === 0,
    unaccountedContent: options.skipAudit === true ? [] : unaccountedContent(parts),
  }
}

/** Requirement blocks written outside every delta section are not applied: say so. */
function checkDeltaPlanOrphans(specName: string, plan: ReturnType<typeof parseDeltaSpec>, warn: (m: string) => void): void {
  for (const orphan of plan.orphanedRequirements) {
    const where = orphan.section ? `under "## ${orphan.section}"` : 'above the first "## " section'
    warn(
      `${specName} - requirement "${orphan.name}" (line ${orphan.line}) is ${where}, which is not a delta section, so it was not applied. ` +
        'Move it under ADDED/MODIFIED/REMOVED/RENAMED Requirements.',
    )
  }
}

/**
 * A heading the block parser did not stop at rides inside the requirement above it; when that
 * requirement is replaced or removed without the heading's text, the text goes too — warn.
 */
function warnLostTail(specName: string, block: RequirementBlock, replacement: RequirementBlock | undefined, warn: (m: string) => void): void {
  const tail = firstForeignTail(block.raw)
  if (!tail) return
  const needle = normalizeBlockRaw(tail.raw)
  const kept = replacement !== undefined && countOccurrences(normalizeBlockRaw(replacement.raw), needle) >= countOccurrences(normalizeBlockRaw(block.raw), needle)
  if (!kept) {
    warn(`${specName} - "${tail.heading}" sits inside requirement "${block.name}" and goes with it. Move it under its own requirement, or above \`## Requirements\`, to keep it.`)
  }
}

/** The dominant line ending of `text` (CRLF wins a tie), or undefined when it has no line break. */
function lineEndingOf(text: string): '\r\n' | '\n' | undefined {
  const crlf = text.match(/\r\n/g)?.length ?? 0
  const lf = text.match(/(?<!\r)\n/g)?.length ?? 0
  if (crlf === 0 && lf === 0) return undefined
  return crlf >= lf ? '\r\n' : '\n'
}

/** `text` with the line endings of `original` (LF when the original has none to go by). */
function matchLineEnding(text: string, original: string): string {
  const ending = lineEndingOf(original)
  if (ending === undefined) return text
  const lf = text.replace(/\r\n/g, '\n')
  return ending === '\n' ? lf : lf.replace(/\n/g, '\r\n')
}

/** Options of the writers: a check run right before the file system is touched. */
export interface MutateOptions {
  beforeMutate?: () => void
}

/**
 * Writes a rebuilt spec in place (links, hard links and permissions of the existing file are
 * kept, as openspec does), with the line endings the file already used; a new spec is LF. The
 * counts are accepted for the shape of openspec's call; psp's caller reports them.
 */
export function writeUpdatedSpec(update: SpecUpdate, rebuilt: string, _counts: SpecCounts, options: MutateOptions = {}): void {
  assertTrustedSpecPath(update.targetRoot, update.target)
  try {
    fs.mkdirSync(path.dirname(update.target), {recursive: true})
    const previous = readText(update.target)
    const text = previous === undefined ? rebuilt : matchLineEnding(rebuilt, previous)
    options.beforeMutate?.()
    fs.writeFileSync(update.target, text)
  } catch (error) {
    if (error instanceof IoError || error instanceof UnsafeInputError || error instanceof InvalidDocumentError) throw error
    throw ioError(error)
  }
}

/** Options of `retireSpec`. */
export interface RetireOptions extends MutateOptions {
  /** Move the spec aside instead of deleting it; `finalizeRetiredSpec` deletes it once all else succeeded. */
  deferDelete?: boolean
  /** Checks the moved-aside file before going on (required with `deferDelete`). */
  verifyDisplaced?: (displacedPath: string) => void
}

/** What `retireSpec` did. */
export interface RetireResult {
  retired: boolean
  /** The real path of the file that went (absent when the spec was a link: the link went, not its target). */
  resolvedPath?: string
  /** Where the spec waits for `finalizeRetiredSpec` (with `deferDelete`). */
  displacedPath?: string
}

/** True when the real path `realPath` lies strictly inside the real `dir`. */
function isInsideRealDir(realPath: string, dir: string): boolean {
  return realPath.startsWith(fs.realpathSync(dir) + path.sep)
}

/**
 * Retires a capability: deletes its main spec (or, with `deferDelete`, moves it aside for
 * `finalizeRetiredSpec`) and prunes the folders left empty, never leaving `mainSpecsDir`. A spec
 * that resolves outside `mainSpecsDir` through a linked folder is refused; a linked `spec.md`
 * itself is safe (the link goes, its target stays). Returns `retired: false` when there was
 * nothing to delete.
 */
export function retireSpec(update: SpecUpdate, mainSpecsDir: string, options: RetireOptions = {}): RetireResult {
  if (options.deferDelete && options.verifyDisplaced === undefined) {
    throw new IoError('Deferred retirement requires displaced-file verification.')
  }
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error))
  let realSource: string | undefined
  try {
    realSource = fs.lstatSync(update.target).isSymbolicLink() ? undefined : fs.realpathSync(update.target)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return {retired: false}
    throw new IoError(`Could not retire capability '${update.id}': could not verify ${update.target} before deletion (${why(error)}).`)
  }
  if (realSource !== undefined) {
    let inside: boolean
    try {
      inside = isInsideRealDir(realSource, mainSpecsDir)
    } catch (error) {
      throw new IoError(`Could not retire capability '${update.id}': could not verify that ${update.target} is inside ${mainSpecsDir} (${why(error)}).`)
    }
    if (!inside) {
      throw new UnsafeInputError(
        `Could not retire capability '${update.id}': ${update.target} resolves outside ${mainSpecsDir}. Remove the external file by hand, or replace the symlink and rerun.`,
      )
    }
  }
  let displacedPath: string | undefined
  try {
    options.beforeMutate?.()
    if (options.verifyDisplaced) {
      const displaced = `${update.target}.openspec-retire-${randomUUID()}`
      displacedPath = displaced
      fs.renameSync(update.target, displaced)
      try {
        options.verifyDisplaced(displaced)
        if (present(update.target)) throw new IoError(`A concurrent file appeared at ${update.target} while archive was retiring it.`)
        if (!options.deferDelete) fs.unlinkSync(displaced)
      } catch (error) {
        if (present(update.target)) {
          throw new IoError(`${why(error)} A concurrent file now occupies ${update.target}; the displaced spec was retained at ${displaced}.`)
        }
        fs.renameSync(displaced, update.target)
        throw error
      }
    } else {
      fs.unlinkSync(update.target)
    }
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return {retired: false}
    throw new IoError(`Could not retire capability '${update.id}': failed to delete ${update.target} (${why(error)}). Remove it by hand, then rerun the archive.`)
  }
  if (!options.deferDelete) pruneEmptyDirs(path.dirname(update.target), mainSpecsDir)
  return {
    retired: true,
    ...(realSource === undefined ? {} : {resolvedPath: realSource}),
    ...(options.deferDelete && displacedPath !== undefined ? {displacedPath} : {}),
  }
}

/** Deletes a spec `retireSpec` moved aside, and prunes the folders left empty. */
export function finalizeRetiredSpec(target: string, displacedPath: string, mainSpecsDir: string): void {
  fs.unlinkSync(displacedPath)
  pruneEmptyDirs(path.dirname(target), mainSpecsDir)
}

/**
 * Removes empty folders from `startDir` upwards, strictly inside the real `boundaryDir` (never
 * the boundary itself, never through a link). Stops quietly at the first folder that is not
 * empty or cannot be removed: a file that arrived meanwhile wins.
 */
export function pruneEmptyDirs(startDir: string, boundaryDir: string): void {
  let boundary: string
  try {
    boundary = fs.realpathSync(boundaryDir)
  } catch {
    return
  }
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    let real: string
    try {
      if (fs.lstatSync(dir).isSymbolicLink()) return
      real = fs.realpathSync(dir)
    } catch {
      return
    }
    if (real === boundary || !isLexicallyWithin(boundary, real)) return
    try {
      if (fs.readdirSync(dir).length > 0) return
      fs.rmdirSync(dir)
    } catch {
      return
    }
  }
}
