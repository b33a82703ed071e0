/**
 * Archiving a change exactly as openspec 1.13.2 does: refuse what openspec refuses (with its
 * diagnostic codes and words), validate the change's deltas, check its tasks, rebuild every main
 * spec it touches and validate each rebuilt spec before writing any, write them (or retire a
 * capability whose last requirement went, when the change declares `retire_capabilities`), then
 * move the change folder to `changes/archive/YYYY-MM-DD-<name>` (local date). Every refusal comes
 * before the first write; a failure after it puts every spec back.
 *
 * psp never prompts here: where openspec asks for confirmation, psp needs `yes`, and refuses with
 * the words openspec uses when no answer can be read.
 */
import fs from 'node:fs'
import path from 'node:path'
import {buildUpdatedSpec, findSpecUpdates, retireSpec, writeUpdatedSpec, finalizeRetiredSpec, type BuiltSpec, type SpecCounts, type SpecUpdate} from './apply.js'
import {describeUnaccountedContent} from './archive-audit.js'
import {archiveRefusal, asArchiveError} from './archive-errors.js'
import {
  assertArchiveDestinationAvailable,
  captureSpecSnapshots,
  claimArchiveDestination,
  moveDirectory,
  releaseArchiveClaim,
  restoreSpecSnapshots,
  type ArchiveClaim,
  type SpecSnapshot,
} from './archive-move.js'
import {assertPathWithin, describeNestedChange, discoverSpecFiles, findNestedChangesIn, findUnreadDeltaFiles, hasAnyFileUnder} from './discovery.js'
import {METADATA_FILENAME, readRetireCapabilitiesMarker, readSkipSpecsMarker} from './metadata.js'
import {localDate} from './new-change.js'
import {getTaskProgressForChange, type TaskProgress} from './task-progress.js'
import type {OpenSpecRoot} from './root.js'
import {VALIDATION_MESSAGES} from './validation-messages.js'
import {Validator, type ValidationIssue} from './validator.js'

export interface ArchiveOptions {
  /** Answers openspec's confirmations (incomplete tasks, spec updates, skipped validation). */
  yes?: boolean
  /** Archive without touching the main specs. */
  skipSpecs?: boolean
  /** Skip validation (needs `yes`, as openspec's confirmation does). */
  noValidate?: boolean
  /** Word the refusals as openspec's `--json` mode does; otherwise as its terminal mode with no terminal. */
  json?: boolean
  /** How a suggested rerun starts (`openspec` in JSON, to match openspec's payload). */
  rerunPrefix?: string
  /** The day that dates the archive folder (default: today, local time). */
  now?: Date
}

/** What happened to one main spec. */
export interface ArchivedSpec {
  id: string
  /** Whether the main spec existed before (`update`) or is new (`create`). */
  status: 'create' | 'update'
  /**
   * `written`; `unchanged` (every operation was already in the spec); `retired` (deleted: its
   * last requirement went and the change declared `retire_capabilities`); `already-retired`.
   */
  outcome: 'written' | 'unchanged' | 'retired' | 'already-retired'
  counts: SpecCounts
  /** The spec as openspec names it in messages, `openspec/specs/<id>/spec.md`. */
  path: string
  /** Set when a linked capability folder leads outside the project: where the write really went. */
  external?: string
}

/** The result of an archive. The first six fields are openspec's `archive --json` payload. */
export interface ArchiveResult {
  change: string
  archivedAs: string
  /** Absolute path of the archived change folder. */
  path: string
  specsUpdated: boolean
  /** Operations applied over all specs; absent when no spec was considered (`--skip-specs`, no deltas). */
  totals?: SpecCounts
  /** Non-blocking findings, in openspec's words. */
  warnings?: string[]
  /** Problems with proposal.md (never blocking; checked only when not wording for JSON, as openspec does). */
  proposalWarnings?: string[]
  /** Task progress of the change when it was archived. */
  tasks: TaskProgress
  /** Whether validation ran (`noValidate` skips it). */
  validated: boolean
  /** Whether the main specs were left alone on request. */
  skippedSpecs: boolean
  specs: ArchivedSpec[]
}

const ARCHIVE_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}-/

/** Why a change name cannot name a folder directly under changes/, or null when it can. */
function folderNameProblem(value: string, label: string): string | null {
  if (value.length === 0) return `${label} must not be empty`
  if (value === '.' || value === '..') return `${label} must not be '${value}'`
  if (/[\\/]/u.test(value)) return `${label} must not contain path separators`
  return null
}

/**
 * A value quoted so it can be pasted into bash, zsh, PowerShell and cmd.exe alike, or undefined
 * when no spelling is safe in all of them.
 */
function quoteForShell(value: string): string | undefined {
  if (/^[A-Za-z0-9._/-]+$/.test(value)) return value
  if (!/["\\$`\r\n%!]/.test(value)) return `"${value}"`
  return undefined
}

// eslint-disable-next-line no-control-regex -- control characters are what it replaces
const printable = (name: string) => name.replace(/[\u0000-\u001f\u007f]/g, '?')

function listActiveChangeNames(changesDir: string): string[] {
  try {
    return fs
      .readdirSync(changesDir, {withFileTypes: true})
      .filter((entry) => entry.isDirectory() && entry.name !== 'archive')
      .map((entry) => entry.name)
      .sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return []
  }
}

/** A rebuilt spec with nothing wrong but having no requirement left: what retiring replaces. */
function isRetirable(specName: string, rebuilt: string): boolean {
  const report = new Validator().validateSpecContent(specName, rebuilt)
  if (report.valid) return false
  const errors = report.issues.filter((i) => i.level === 'ERROR')
  return errors.length > 0 && errors.every((i) => i.message === VALIDATION_MESSAGES.SPEC_NO_REQUIREMENTS)
}

/** Validation issues as openspec lists them for a person: a heading, then errors and warnings. */
function issueLines(heading: string, issues: readonly ValidationIssue[]): string[] {
  const shown = issues.filter((i) => i.level !== 'INFO').map((i) => `  ${i.level === 'ERROR' ? '✗' : '⚠'} ${i.message}`)
  return [heading, ...shown]
}

type Outcome = 'write' | 'retire' | 'skip'

/**
 * Write the rebuilt spec, retire the capability, or skip it (already retired). Retiring needs the
 * author's marker, a validator verdict (so never under `noValidate`), nothing in the old file
 * the merge cannot name, and this change's own REMOVED entries to have emptied it.
 */
function decideOutcome(update: SpecUpdate, built: BuiltSpec, skipValidation: boolean, retirementDeclared: boolean): Outcome {
  if (!retirementDeclared) return 'write'
  const retirable = !skipValidation && built.noRequirementBlocks && built.unaccountedContent.length === 0 && isRetirable(update.id, built.rebuilt)
  if (!retirable) return 'write'
  if (!update.exists) return 'skip'
  return built.counts.removed > 0 ? 'retire' : 'write'
}

interface Prepared {
  update: SpecUpdate
  built: BuiltSpec
  outcome: Outcome
}

const sum = (c: SpecCounts) => c.added + c.modified + c.removed + c.renamed

/**
 * Archives the change `changeName` of the OpenSpec root `root`. Returns what was applied and
 * where the change went; throws a psp error carrying openspec's diagnostic (`data.diagnostic`)
 * when it refuses — before any file is written — or fails.
 */
export function archiveChange(root: OpenSpecRoot, changeName: string | undefined, options: ArchiveOptions = {}): ArchiveResult {
  try {
    return archive(root, changeName, options)
  } catch (error) {
    throw asArchiveError(error)
  }
}

function archive(root: OpenSpecRoot, changeNameArg: string | undefined, options: ArchiveOptions): ArchiveResult {
  const json = options.json === true
  const prefix = options.rerunPrefix ?? 'openspec'
  const {changesDir, archiveDir, specsDir: mainSpecsDir} = root
  const skipValidation = options.noValidate === true
  const rerunFlags = [...(options.skipSpecs ? ['--skip-specs'] : []), ...(skipValidation ? ['--no-validate'] : []), '--yes'].join(' ')

  for (const [allowed, managed] of [
    [root.path, changesDir],
    [changesDir, archiveDir],
    [root.path, mainSpecsDir],
  ] as const) {
    try {
      assertPathWithin(allowed, managed)
    } catch {
      throw archiveRefusal('archive_path_outside_root', `Refusing to archive through a path outside the OpenSpec root: ${managed}`)
    }
  }

  if (!changeNameArg) {
    if (json) throw archiveRefusal('archive_change_name_required', 'A change name is required: archive --json is non-interactive.', `${prefix} archive <change-name> --json`)
    throw archiveRefusal('archive_change_name_required', 'A change name is required: no terminal is available to choose one from a list.', `${prefix} archive <change-name> ${rerunFlags}`)
  }
  const changeName = changeNameArg
  const rerun = (() => {
    const quoted = quoteForShell(changeName) ?? '<change-name>'
    return changeName.startsWith('-') ? `${prefix} archive ${rerunFlags} -- ${quoted}` : `${prefix} archive ${quoted} ${rerunFlags}`
  })()

  const nameProblem = folderNameProblem(changeName, 'Change name')
  if (nameProblem) throw archiveRefusal('archive_change_name_invalid', nameProblem)

  const changeDir = path.join(changesDir, changeName)
  const stat = fs.lstatSync(changeDir, {throwIfNoEntry: false})
  if (stat?.isSymbolicLink()) {
    throw archiveRefusal('archive_change_symlink', `Change '${changeName}' is a symbolic link. Replace it with a real directory before archiving.`)
  }
  if (!stat?.isDirectory()) {
    const available = listActiveChangeNames(changesDir)
    throw archiveRefusal(
      'archive_change_not_found',
      available.length > 0 ? `Change '${changeName}' not found. Available changes: ${available.join(', ')}` : `Change '${changeName}' not found. No active changes exist in this root.`,
    )
  }

  // A namespace folder wrapping real changes is not a change: archiving it would bury them unapplied.
  const nested = findNestedChangesIn(changesDir, changeName)
  if (nested) {
    throw archiveRefusal(
      'archive_change_is_namespace_folder',
      `Cannot archive '${changeName}': ${describeNestedChange(nested)}`,
      `Rename openspec/changes/${nested.nested[0]}/ to a flat change directory, then archive it.`,
    )
  }

  let proposalWarnings: string[] | undefined
  if (!skipValidation) {
    if (!json) proposalWarnings = proposalIssues(changeDir)
    const issues = deltaValidationIssues(changeDir)
    if (issues !== undefined) {
      throw archiveRefusal(
        'archive_validation_failed',
        `Validation failed for change '${changeName}'.`,
        `Run ${prefix} validate ${changeName} for details, fix the errors, or rerun with --no-validate.`,
        issueLines('Validation errors in change delta specs:', issues),
      )
    }
  } else if (!options.yes) {
    if (json) {
      throw archiveRefusal('archive_confirmation_required', 'Skipping validation requires confirmation: rerun with --yes.', `${prefix} archive <change-name> --json --no-validate --yes`)
    }
    throw archiveRefusal('archive_confirmation_required', 'Skipping validation requires confirmation, and no answer could be read from stdin.', rerun)
  }

  const tasks = getTaskProgressForChange(changesDir, changeName, path.resolve(changesDir, '..', '..'))
  const incomplete = Math.max(tasks.total - tasks.completed, 0)
  if (incomplete > 0 && !options.yes) {
    if (json) throw archiveRefusal('archive_tasks_incomplete', `${incomplete} incomplete task(s) found for change '${changeName}'.`, 'Complete the tasks or rerun with --yes.')
    throw archiveRefusal(
      'archive_tasks_incomplete',
      `${incomplete} incomplete task(s) found for change '${printable(changeName)}', and no answer could be read from stdin.`,
      `Complete the tasks or rerun with ${rerun}`,
    )
  }

  // The destination is settled before any spec is touched: a collision found after the merge
  // would leave specs rewritten for an archive that never happened. A name that already carries
  // a date keeps it rather than stacking a second one.
  const archiveName = ARCHIVE_DATE_PREFIX.test(changeName) ? changeName : `${localDate(options.now)}-${changeName}`
  const archivePath = path.join(archiveDir, archiveName)
  const retirementMarker = readRetireCapabilitiesMarker(changeDir)
  const retirementDeclared = retirementMarker.declared
  const metadataPath = path.join(changeDir, METADATA_FILENAME)
  const authorization = retirementDeclared ? fs.readFileSync(metadataPath) : undefined
  assertArchiveDestinationAvailable(archivePath, archiveName)
  fs.mkdirSync(archiveDir, {recursive: true})

  const result: ArchiveResult = {
    change: changeName,
    archivedAs: archiveName,
    path: archivePath,
    specsUpdated: false,
    tasks,
    ...(proposalWarnings && proposalWarnings.length > 0 ? {proposalWarnings} : {}),
    validated: !skipValidation,
    skippedSpecs: options.skipSpecs === true,
    specs: [],
  }
  const warnings: string[] = []
  let claim: ArchiveClaim | undefined
  let archived = false
  try {
    const updates = options.skipSpecs ? [] : findSpecUpdates(changeDir, mainSpecsDir)
    if (updates.length > 0) {
      // Every spec is rebuilt before anything is asked or written; a failure is reported only
      // after the confirmation, as openspec orders them.
      const prepared: Prepared[] = []
      let prepareError: unknown
      try {
        for (const update of updates) {
          const built = buildUpdatedSpec(update, changeName)
          prepared.push({update, built, outcome: decideOutcome(update, built, skipValidation, retirementDeclared)})
          warnings.push(...built.warnings)
        }
      } catch (error) {
        prepareError = error
      }
      if (!options.yes) {
        if (json) {
          throw archiveRefusal('archive_confirmation_required', `Updating ${updates.length} spec(s) requires confirmation: rerun with --yes.`, `${prefix} archive <change-name> --json --yes`)
        }
        throw archiveRefusal('archive_confirmation_required', `Updating ${updates.length} spec(s) requires confirmation, and no answer could be read from stdin.`, rerun)
      }
      if (prepareError !== undefined) {
        const message = prepareError instanceof Error ? prepareError.message : String(prepareError)
        throw archiveRefusal('archive_spec_update_failed', message, 'Fix the change delta specs and rerun. No files were changed.')
      }
      if (!skipValidation) for (const p of prepared) if (p.outcome === 'write') checkRebuiltSpec(p, retirementDeclared, retirementMarker.invalidReason, prefix)

      assertArchiveDestinationAvailable(archivePath, archiveName)
      claim = claimArchiveDestination(archivePath, archiveName)
      assertArchiveDestinationAvailable(archivePath, archiveName)

      Object.assign(result, commitSpecUpdates({root, prepared, changeDir, archivePath, mainSpecsDir, metadataPath, authorization}, warnings))
      archived = true
    }
    if (!archived) {
      assertArchiveDestinationAvailable(archivePath, archiveName)
      claim = claimArchiveDestination(archivePath, archiveName)
      assertArchiveDestinationAvailable(archivePath, archiveName)
      fs.mkdirSync(archiveDir, {recursive: true})
      moveDirectory(changeDir, archivePath)
      archived = true
    }
  } finally {
    if (claim) releaseArchiveClaim(claim)
  }
  if (warnings.length > 0) result.warnings = warnings
  return result
}

/** What `commitSpecUpdates` needs: the prepared specs and where everything goes. */
interface Commit {
  root: OpenSpecRoot
  prepared: readonly Prepared[]
  changeDir: string
  archivePath: string
  mainSpecsDir: string
  metadataPath: string
  /** The `.openspec.yaml` bytes that authorised retirements (they must not change meanwhile). */
  authorization: Buffer | undefined
}

/**
 * Writes the rebuilt specs, then retires capabilities (their specs moved aside), then moves the
 * change folder; if any step fails, every spec is put back and the change returns. Only once the
 * change is archived are the retired specs deleted for good.
 */
function commitSpecUpdates(c: Commit, warnings: string[]): Pick<ArchiveResult, 'specsUpdated' | 'totals' | 'specs'> {
  const mutations = c.prepared.filter((p) => p.outcome === 'retire' || (p.outcome === 'write' && sum(p.built.counts) > 0))
  assertDistinctTargets(mutations.map((p) => p.update))
  const snapshots = captureSpecSnapshots(
    mutations.map((p) => ({target: p.update.target, outcome: p.outcome as 'write' | 'retire'})),
    c.mainSpecsDir,
  )
  const snapshotOf = new Map<string, SpecSnapshot>(snapshots.map((s) => [s.target, s]))
  const attempted = new Set<string>()
  const totals: SpecCounts = {added: 0, modified: 0, removed: 0, renamed: 0}
  const count = (n: SpecCounts) => {
    totals.added += n.added
    totals.modified += n.modified
    totals.removed += n.removed
    totals.renamed += n.renamed
  }
  const outcomes = new Map<string, ArchivedSpec['outcome']>()
  let moved = false
  try {
    for (const p of c.prepared) {
      if (p.outcome !== 'write') continue
      if (sum(p.built.counts) === 0) {
        // Everything was in the spec already: rewriting would only churn normalisation into it.
        outcomes.set(p.update.id, 'unchanged')
        continue
      }
      writeUpdatedSpec(p.update, p.built.rebuilt, p.built.counts, {beforeMutate: () => attempted.add(p.update.target)})
      outcomes.set(p.update.id, 'written')
      count(p.built.counts)
    }
    // Deletions only once every write has succeeded.
    for (const p of c.prepared) {
      if (p.outcome === 'skip') outcomes.set(p.update.id, 'already-retired')
      if (p.outcome !== 'retire') continue
      const retired = retireSpec(p.update, c.mainSpecsDir, {
        deferDelete: true,
        beforeMutate: () => {
          assertAuthorization(c.metadataPath, c.authorization)
          attempted.add(p.update.target)
        },
        verifyDisplaced: () => assertAuthorization(c.metadataPath, c.authorization),
      })
      if (!retired.retired) {
        outcomes.set(p.update.id, 'already-retired')
        continue
      }
      const snapshot = snapshotOf.get(p.update.target)
      if (snapshot === undefined || retired.displacedPath === undefined) {
        throw new Error(`Could not track the displaced main spec for '${p.update.id}' during retirement.`)
      }
      snapshot.displacedPath = retired.displacedPath
      outcomes.set(p.update.id, 'retired')
      count(p.built.counts)
      warnings.push(retirementNote(c.root, p.update, retired.resolvedPath))
    }
    moveDirectory(c.changeDir, c.archivePath)
    moved = true
  } catch (error) {
    const rollbackErrors: string[] = []
    try {
      restoreSpecSnapshots(
        snapshots.filter((s) => attempted.has(s.target)),
        c.mainSpecsDir,
      )
    } catch (rollbackError) {
      rollbackErrors.push((rollbackError as Error).message)
    }
    if (moved) {
      try {
        moveDirectory(c.archivePath, c.changeDir)
      } catch (rollbackError) {
        rollbackErrors.push((rollbackError as Error).message)
      }
    }
    if (rollbackErrors.length > 0) throw new Error(`${error instanceof Error ? error.message : String(error)} Rollback also failed: ${rollbackErrors.join(' ')}`)
    throw error
  }
  finalizeRetirements(snapshots, c.mainSpecsDir)
  const written = [...outcomes.values()].some((o) => o === 'written' || o === 'retired')
  return {
    specsUpdated: written,
    totals,
    specs: c.prepared.map((p) => ({
      id: p.update.id,
      status: p.update.exists ? 'update' : 'create',
      outcome: outcomes.get(p.update.id) ?? 'unchanged',
      counts: p.built.counts,
      path: `openspec/specs/${p.update.id}/spec.md`,
      ...(p.update.external === undefined ? {} : {external: p.update.external}),
    })),
  }
}

/**
 * The proposal's own problems, which openspec shows without blocking: issues about the delta
 * requirements are left to the delta validation (they would be reported twice, and wrongly for
 * REMOVED entries).
 */
function proposalIssues(changeDir: string): string[] | undefined {
  const proposal = path.join(changeDir, 'proposal.md')
  if (!fs.existsSync(proposal)) return undefined
  try {
    const report = new Validator().validateChange(proposal)
    const own = report.issues.filter((i) => !/^deltas\.\d+\.requirements?\./.test(i.path))
    return !report.valid && own.length > 0 ? own.map((i) => i.message) : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether the change's deltas need validating, and the issues when they fail (undefined when
 * they pass or there is nothing to validate). Any file under specs/ that the merge would not read
 * but that looks like a delta forces validation, which then reports it.
 */
function deltaValidationIssues(changeDir: string): ValidationIssue[] | undefined {
  const specsDir = path.join(changeDir, 'specs')
  let hasDeltas = false
  try {
    hasDeltas = fs.statSync(path.join(specsDir, 'spec.md')).isFile()
  } catch {
    // absent or unreadable: not a root-level delta
  }
  if (!hasDeltas) hasDeltas = findUnreadDeltaFiles(specsDir).length > 0
  if (!hasDeltas) {
    const marker = readSkipSpecsMarker(changeDir)
    if (marker.invalidReason) hasDeltas = true
    else if (marker.declared) {
      try {
        hasDeltas = hasAnyFileUnder(specsDir)
      } catch {
        hasDeltas = true
      }
    }
  }
  if (!hasDeltas) {
    for (const {specFile} of discoverSpecFiles(specsDir)) {
      try {
        if (/^##\s+(ADDED|MODIFIED|REMOVED|RENAMED)\s+Requirements/im.test(fs.readFileSync(specFile, 'utf8'))) {
          hasDeltas = true
          break
        }
      } catch {
        // unreadable: the merge will say so
      }
    }
  }
  if (!hasDeltas) return undefined
  const report = new Validator().validateChangeDeltaSpecs(changeDir)
  return report.valid ? undefined : report.issues
}

/**
 * Refuses a rebuilt spec the validator rejects, with openspec's fix: why a requested retirement
 * was refused, how to ask for one, what blocks one, or where to look.
 */
function checkRebuiltSpec(p: Prepared, retirementDeclared: boolean, invalidReason: string | undefined, prefix: string): void {
  const specName = p.update.id
  const report = new Validator().validateSpecContent(specName, p.built.rebuilt)
  if (report.valid) return
  const {counts, noRequirementBlocks, unaccountedContent} = p.built
  const emptiedByThisRun = p.update.exists && counts.removed > 0 && noRequirementBlocks && isRetirable(specName, p.built.rebuilt)
  const markerNote = invalidReason ? ` The marker present now cannot be honored (${invalidReason}).` : ''
  const retirementHint =
    !retirementDeclared && emptiedByThisRun && unaccountedContent.length === 0
      ? `This change removes the last requirement '${specName}' has. To retire the capability and delete its spec, add \`retire_capabilities: true\` to the change's ${METADATA_FILENAME} (alongside its \`schema:\`, which that file requires), then rerun.${markerNote}`
      : undefined
  const blockedHint =
    !retirementDeclared && emptiedByThisRun && unaccountedContent.length > 0
      ? `This change removes the last requirement '${specName}' has, so the rebuilt spec has none left and cannot be written. Retiring the capability is what archive does instead, and it is refused while the spec holds content the merge cannot safely account for and deleting the file would take with it: ${describeUnaccountedContent(unaccountedContent)}. ` +
        `Move it into \`## Purpose\` or a canonical requirement, or delete the spec by hand, then rerun.${markerNote}`
      : undefined
  const refusalReason =
    retirementDeclared && unaccountedContent.length > 0 && isRetirable(specName, p.built.rebuilt)
      ? `'${specName}' declares retire_capabilities, but the spec holds content the merge cannot safely account for and deleting the file would take with it: ${describeUnaccountedContent(unaccountedContent)}. ` +
        'Move it into `## Purpose` or a canonical requirement, or delete the spec by hand.'
      : undefined
  throw archiveRefusal(
    'archive_spec_validation_failed',
    `Rebuilt spec for '${specName}' failed validation. No files were changed.`,
    refusalReason ?? retirementHint ?? blockedHint ?? `Run ${prefix} validate ${specName} after fixing the change deltas.`,
    issueLines(`Validation errors in rebuilt spec for ${specName} (will not write changes):`, report.issues),
  )
}

/** Two capability paths reaching one file (a linked alias) would overwrite each other: refuse. */
function assertDistinctTargets(updates: readonly SpecUpdate[]): void {
  const owners = new Map<string, string>()
  for (const update of updates) {
    let identity: string
    const stat = fs.statSync(update.target, {throwIfNoEntry: false})
    if (stat !== undefined) identity = `${stat.dev}:${stat.ino}`
    else {
      const parent = path.dirname(update.target)
      let realParent: string
      try {
        realParent = fs.realpathSync(parent)
      } catch {
        realParent = path.resolve(parent)
      }
      identity = `missing:${path.join(realParent, path.basename(update.target))}`
    }
    const existing = owners.get(identity)
    if (existing !== undefined) {
      throw new Error(
        `Spec updates for '${existing}' and '${update.id}' resolve to the same target ${identity}. Replace the capability alias or combine the deltas before archiving.`,
      )
    }
    owners.set(identity, update.id)
  }
}

/** The metadata that authorised a retirement must not have changed since it was read. */
function assertAuthorization(metadataPath: string, expected: Buffer | undefined): void {
  let current: Buffer | undefined
  try {
    current = fs.readFileSync(metadataPath)
  } catch {
    current = undefined
  }
  const stillDeclared = readRetireCapabilitiesMarker(path.dirname(metadataPath)).declared
  if (expected === undefined || current === undefined || !current.equals(expected) || !stillDeclared) {
    throw new Error(`The ${METADATA_FILENAME} retirement authorization changed before archive could complete.`)
  }
}

/** Deletes the specs retirements moved aside, now that the change is archived. */
function finalizeRetirements(snapshots: readonly SpecSnapshot[], mainSpecsDir: string): void {
  const errors: string[] = []
  for (const snapshot of snapshots) {
    if (snapshot.outcome !== 'retire' || snapshot.displacedPath === undefined) continue
    const displaced = snapshot.displacedPath
    try {
      finalizeRetiredSpec(snapshot.target, displaced, mainSpecsDir)
      snapshot.displacedPath = undefined
    } catch (error) {
      errors.push(`Could not remove the committed retirement backup at ${displaced} (${error instanceof Error ? error.message : String(error)}).`)
    }
  }
  if (errors.length > 0) throw new Error(`${errors.join(' ')} The change remains archived and each listed backup was retained for recovery.`)
}

/**
 * The warning that records a retirement: which file went (relative to the root when inside it,
 * so the git command to bring it back can be pasted), and that its Purpose went with it.
 */
function retirementNote(root: OpenSpecRoot, update: SpecUpdate, resolvedPath: string | undefined): string {
  const unlinked = resolvedPath ?? update.target
  let realRoot: string
  try {
    realRoot = fs.realpathSync(root.path)
  } catch {
    realRoot = root.path
  }
  const rel = path.relative(realRoot, unlinked)
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
  const deletedPath = inside ? rel.split(path.sep).join('/') : unlinked
  const pasteable = path.isAbsolute(deletedPath) ? undefined : quoteForShell(`:(top)${deletedPath}`)
  const recovery = pasteable
    ? `If it was committed, restore it with: git checkout HEAD -- ${pasteable}`
    : `It was deleted from ${deletedPath}; if it was committed, restore it from that checkout's history.`
  return (
    `${update.id} - capability retired; deleted the main spec (all requirements removed, declared by retire_capabilities) at ${deletedPath}. ` +
    `Its section(s) went with it: Purpose. ${recovery}`
  )
}
