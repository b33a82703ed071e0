/**
 * OpenSpec validation: main specs, change proposals and a change's delta specs, with openspec
 * 1.13.2's rules, levels, messages, paths and ordering. A report is `valid` when it has no ERROR
 * (strict mode: no ERROR and no WARNING). Synchronous: validation reads many small files.
 */
import fs from 'node:fs'
import path from 'node:path'
import {buildUpdatedSpec, findSpecUpdates, type SpecUpdate} from './apply.js'
import {parseChangeWithDeltas} from './change-parser.js'
import {assertPathWithin, discoverSpecFiles, findUnreadDeltaFiles, hasAnyFileUnder} from './discovery.js'
import {normalizeContent, parseSectionLines, specFromSections, type Change, type Spec} from './markdown.js'
import {METADATA_FILENAME, hasProjectSchema, readSkipSpecsMarker} from './metadata.js'
import {findPurposePlaceholderIssue} from './purpose-placeholder.js'
import {
  describeScenarioBalance,
  diffScenarioNames,
  extractRequirementsSection,
  foldRequirementName,
  normalizeRequirementName,
  parseDeltaSpec,
  requirementBlockRanges,
  type RequirementBlock,
} from './requirement-blocks.js'
import {containsShallOrMust, countEmptyScenarios, countScenarios, extractRequirementBody, requirementBodyInRange} from './requirement-text.js'
import {findMainSpecStructureIssues, findStructureIssuesInLines} from './spec-structure.js'
import {buildCodeFenceMask} from './code-fence.js'
import {findMissingTaskCheckboxIssues, findTaskNumberingIssues, type TaskDocument, type TaskFileIssue} from './task-rules.js'
import {changeSchemaOrUndefined, resolveTaskFilesForChange} from './task-progress.js'
import {parsedOnce, readFileText, realpathNative, withPathMemo} from './path-memo.js'
import {
  MAX_DELTAS_PER_CHANGE,
  MAX_REQUIREMENT_TEXT_LENGTH,
  MAX_WHY_SECTION_LENGTH,
  MIN_DELTA_DESCRIPTION_LENGTH,
  MIN_PURPOSE_LENGTH,
  MIN_WHY_SECTION_LENGTH,
  VALIDATION_MESSAGES,
} from './validation-messages.js'

export type ValidationLevel = 'ERROR' | 'WARNING' | 'INFO'

/** One finding. `path` names the file (relative) or the field (`requirements[0]`) it is about. */
export interface ValidationIssue {
  level: ValidationLevel
  path: string
  line?: number
  message: string
}

export interface ValidationReport {
  valid: boolean
  issues: ValidationIssue[]
  summary: {errors: number; warnings: number; info: number}
}

export interface ChangeDeltaOptions {
  /** openspec/specs: enables the scenario-loss check and the archive dry run. */
  mainSpecsDir?: string
  /** The project root: enables the task-file checks. */
  projectRoot?: string
}

/** An issue with its keys in openspec's order (line only when there is one). */
function issue(level: ValidationLevel, where: string, message: string, line?: number): ValidationIssue {
  return line === undefined ? {level, path: where, message} : {level, path: where, line, message}
}

const toPosix = (p: string) => p.replace(/\\/g, '/')
const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** The item name openspec derives from a file path: the segment after the last `specs` or `changes`. */
export function itemNameFromPath(filePath: string): string {
  const parts = toPosix(filePath).split('/')
  for (let i = parts.length - 1; i >= 0; i--) {
    if ((parts[i] === 'specs' || parts[i] === 'changes') && i < parts.length - 1) return parts[i + 1] as string
  }
  const file = parts[parts.length - 1] ?? ''
  const dot = file.lastIndexOf('.')
  return dot > 0 ? file.slice(0, dot) : file
}

/** Adds openspec's guidance to the messages of the errors that stop a document from being read. */
function enrichTopLevelError(message: string): string {
  const msg = message.trim()
  if (msg === VALIDATION_MESSAGES.CHANGE_NO_DELTAS) return `${msg}. ${VALIDATION_MESSAGES.GUIDE_NO_DELTAS}`
  if (msg.includes('Spec must have a Purpose section') || msg.includes('Spec must have a Requirements section')) {
    return `${msg}. ${VALIDATION_MESSAGES.GUIDE_MISSING_SPEC_SECTIONS}`
  }
  if (msg.includes('Change must have a Why section') || msg.includes('Change must have a What Changes section')) {
    return `${msg}. ${VALIDATION_MESSAGES.GUIDE_MISSING_CHANGE_SECTIONS}`
  }
  return msg
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : 'Unknown error')

// --- the document contracts (what openspec checks with its schemas) ------------------------------

function requirementContractIssues(req: {text: string; scenarios: Array<{rawText: string}>}, at: string): ValidationIssue[] {
  const out: ValidationIssue[] = []
  if (req.text.length < 1) out.push(issue('ERROR', `${at}.text`, VALIDATION_MESSAGES.REQUIREMENT_EMPTY))
  if (req.scenarios.length < 1) out.push(issue('ERROR', `${at}.scenarios`, VALIDATION_MESSAGES.REQUIREMENT_NO_SCENARIOS))
  else req.scenarios.forEach((s, i) => s.rawText.length < 1 && out.push(issue('ERROR', `${at}.scenarios.${i}.rawText`, VALIDATION_MESSAGES.SCENARIO_EMPTY)))
  return out
}

/** A list's length is checked first; its items only when the length is acceptable. */
function specContractIssues(spec: Spec): ValidationIssue[] {
  const out: ValidationIssue[] = []
  if (spec.name.length < 1) out.push(issue('ERROR', 'name', VALIDATION_MESSAGES.SPEC_NAME_EMPTY))
  if (spec.overview.length < 1) out.push(issue('ERROR', 'overview', VALIDATION_MESSAGES.SPEC_PURPOSE_EMPTY))
  if (spec.requirements.length < 1) out.push(issue('ERROR', 'requirements', VALIDATION_MESSAGES.SPEC_NO_REQUIREMENTS))
  else spec.requirements.forEach((r, i) => out.push(...requirementContractIssues(r, `requirements.${i}`)))
  return out
}

function changeContractIssues(change: Change): ValidationIssue[] {
  const out: ValidationIssue[] = []
  if (change.name.length < 1) out.push(issue('ERROR', 'name', VALIDATION_MESSAGES.CHANGE_NAME_EMPTY))
  if (change.why.length < MIN_WHY_SECTION_LENGTH) out.push(issue('ERROR', 'why', VALIDATION_MESSAGES.CHANGE_WHY_TOO_SHORT))
  else if (change.why.length > MAX_WHY_SECTION_LENGTH) out.push(issue('ERROR', 'why', VALIDATION_MESSAGES.CHANGE_WHY_TOO_LONG))
  if (change.whatChanges.length < 1) out.push(issue('ERROR', 'whatChanges', VALIDATION_MESSAGES.CHANGE_WHAT_EMPTY))
  if (change.deltas.length < 1) {
    out.push(issue('ERROR', 'deltas', `${VALIDATION_MESSAGES.CHANGE_NO_DELTAS}. ${VALIDATION_MESSAGES.GUIDE_NO_DELTAS}`))
  } else if (change.deltas.length > MAX_DELTAS_PER_CHANGE) {
    out.push(issue('ERROR', 'deltas', VALIDATION_MESSAGES.CHANGE_TOO_MANY_DELTAS))
  } else {
    change.deltas.forEach((d, i) => {
      const at = `deltas.${i}`
      if (d.spec.length < 1) out.push(issue('ERROR', `${at}.spec`, VALIDATION_MESSAGES.DELTA_SPEC_EMPTY))
      if (d.description.length < 1) out.push(issue('ERROR', `${at}.description`, VALIDATION_MESSAGES.DELTA_DESCRIPTION_EMPTY))
      if (d.requirement) out.push(...requirementContractIssues(d.requirement, `${at}.requirement`))
      d.requirements?.forEach((r, k) => out.push(...requirementContractIssues(r, `${at}.requirements.${k}`)))
    })
  }
  return out
}

// --- the validator ------------------------------------------------------------------------------

/** openspec's validator, rule for rule. `strict` also fails a report on warnings. */
export class Validator {
  constructor(private readonly strictMode = false) {}

  /** Validates the main spec at `filePath` (a missing or unreadable file is an ERROR on `file`). */
  validateSpec(filePath: string): ValidationReport {
    const name = itemNameFromPath(filePath)
    let content: string
    try {
      content = readFileText(filePath)
    } catch (error) {
      return this.createReport([issue('ERROR', 'file', enrichTopLevelError(errorMessage(error)))])
    }
    return this.validateSpecContent(name, content)
  }

  /** Validates main-spec text (archive checks a rebuilt spec with this before writing it). */
  validateSpecContent(specName: string, content: string): ValidationReport {
    const issues: ValidationIssue[] = []
    try {
      // One split and one fence mask serve every reader of the spec.
      const lines = normalizeContent(content).split('\n')
      const fenced = buildCodeFenceMask(lines)
      const spec = specFromSections(parseSectionLines(lines, fenced), specName)
      issues.push(...specContractIssues(spec))
      issues.push(...this.applySpecRules(spec, content, lines, fenced))
    } catch (error) {
      issues.push(issue('ERROR', 'file', enrichTopLevelError(errorMessage(error))))
    }
    return this.createReport(issues)
  }

  /** Validates a proposal (`proposal.md`) with its change folder's deltas — the proposal-level checks archive reports. */
  validateChange(proposalPath: string): ValidationReport {
    const issues: ValidationIssue[] = []
    const name = itemNameFromPath(proposalPath)
    try {
      const content = readFileText(proposalPath)
      const changeDir = path.dirname(proposalPath)
      const change = parseChangeWithDeltas(content, changeDir, name)
      const marker = readSkipSpecsMarker(changeDir)
      if (marker.invalidReason) issues.push(issue('ERROR', METADATA_FILENAME, invalidMarkerMessage(marker.invalidReason)))
      let contract = changeContractIssues(change)
      if (marker.declared) contract = contract.filter((i) => !i.message.startsWith(VALIDATION_MESSAGES.CHANGE_NO_DELTAS))
      issues.push(...contract)
      issues.push(...changeRules(change))
    } catch (error) {
      issues.push(issue('ERROR', 'file', enrichTopLevelError(errorMessage(error))))
    }
    return this.createReport(issues)
  }

  /**
   * Validates the delta specs of the change in `changeDir`: at least one delta, every ADDED /
   * MODIFIED requirement with text and a scenario, well-formed RENAMED pairs, no duplicates or
   * cross-section conflicts; with `mainSpecsDir`, dropped scenarios and what archive would refuse;
   * with `projectRoot`, the task files.
   */
  validateChangeDeltaSpecs(changeDir: string, options: ChangeDeltaOptions = {}): ValidationReport {
    const issues: ValidationIssue[] = []
    const specsDir = path.join(changeDir, 'specs')
    let totalDeltas = 0
    let hasRootLevelSpec = false
    const missingHeaderSpecs: string[] = []
    const emptySectionSpecs: Array<{path: string; sections: string[]}> = []
    try {
      const discovered = discoverSpecFiles(specsDir)
      hasRootLevelSpec = statIsFile(path.join(specsDir, 'spec.md'))
      if (hasRootLevelSpec) {
        issues.push(
          issue(
            'ERROR',
            'spec.md',
            'Delta spec found at specs/spec.md. Delta specs must live under a capability path (e.g. specs/<capability-path>/spec.md) — a file at the specs/ root is ignored when the change is applied or archived.',
          ),
        )
      }
      for (const {id: specId, specFile} of discovered) {
        let content: string
        try {
          content = readFileText(specFile)
        } catch {
          continue
        }
        const plan = parsedOnce(parseDeltaSpec, content)
        const entryPath = toPosix(path.relative(specsDir, specFile))

        for (const stray of plan.skippedHeaders) {
          const nameless = /^requirement:?$/i.test(stray.header)
          issues.push(
            issue(
              'INFO',
              entryPath,
              nameless
                ? `Header "### ${stray.header}" in ${stray.section} is missing a requirement name and is ignored by validation. Add a name, e.g. "### Requirement: <name>".`
                : `Header "### ${stray.header}" in ${stray.section} is not a "### Requirement:" header and is ignored by validation. Use "### Requirement: ${stray.header}" if it should be validated as a requirement.`,
              stray.line,
            ),
          )
        }
        for (const unpaired of plan.unpairedRenames) {
          const missing = unpaired.side === 'FROM' ? 'TO' : 'FROM'
          issues.push(
            issue(
              'ERROR',
              entryPath,
              `RENAMED ${unpaired.side}: "${unpaired.name}" has no matching ${missing}: line. Write each rename as a FROM: line followed immediately by its TO: line.`,
              unpaired.line,
            ),
          )
        }
        for (const orphan of plan.orphanedRequirements) {
          const where = orphan.section ? `under "## ${orphan.section}"` : 'above the first "## " section'
          issues.push(
            issue(
              'WARNING',
              entryPath,
              `Requirement "${orphan.name}" is ${where}, which is not a delta section, so it is ignored. Move it under "## ADDED Requirements", "## MODIFIED Requirements", "## REMOVED Requirements", or "## RENAMED Requirements".`,
              orphan.line,
            ),
          )
        }

        const sectionNames: string[] = []
        if (plan.sectionPresence.added) sectionNames.push('## ADDED Requirements')
        if (plan.sectionPresence.modified) sectionNames.push('## MODIFIED Requirements')
        if (plan.sectionPresence.removed) sectionNames.push('## REMOVED Requirements')
        if (plan.sectionPresence.renamed) sectionNames.push('## RENAMED Requirements')
        if (plan.added.length + plan.modified.length + plan.removed.length + plan.renamed.length === 0) {
          if (sectionNames.length > 0) emptySectionSpecs.push({path: entryPath, sections: sectionNames})
          else missingHeaderSpecs.push(entryPath)
        }

        const addedNames = new Set<string>()
        const modifiedNames = new Set<string>()
        const removedNames = new Set<string>()
        const renamedFrom = new Set<string>()
        const renamedTo = new Set<string>()

        for (const [op, blocks, names] of [
          ['ADDED', plan.added, addedNames],
          ['MODIFIED', plan.modified, modifiedNames],
        ] as const) {
          for (const block of blocks) {
            const key = normalizeRequirementName(block.name)
            totalDeltas++
            if (names.has(key)) issues.push(issue('ERROR', entryPath, `Duplicate requirement in ${op}: "${block.name}"`))
            else names.add(key)
            const text = requirementBodyText(block.raw)
            if (!text) {
              issues.push(
                issue(
                  'ERROR',
                  entryPath,
                  containsShallOrMust(block.name) ? missingShallOrMust(`${op} "${block.name}"`, block.name) : `${op} "${block.name}" is missing requirement text`,
                ),
              )
            } else if (!containsShallOrMust(text)) {
              issues.push(issue('WARNING', entryPath, missingShallOrMust(`${op} "${block.name}"`, block.name, true)))
            }
            if (countScenarios(block.raw.split('\n').slice(1)) < 1) {
              issues.push(issue('ERROR', entryPath, `${op} "${block.name}" must include at least one scenario${emptyScenarioHint(block.raw)}`))
            }
          }
          if (op === 'MODIFIED' && options.mainSpecsDir && plan.modified.length > 0) {
            const mainSpecFile = path.join(options.mainSpecsDir, ...specId.split('/'), 'spec.md')
            assertFileStaysInItsFolder(mainSpecFile)
            issues.push(...scenarioLossIssues(plan.modified, plan.renamed, mainSpecFile, entryPath))
          }
        }

        for (const name of plan.removed) {
          const key = normalizeRequirementName(name)
          totalDeltas++
          if (removedNames.has(key)) issues.push(issue('ERROR', entryPath, `Duplicate requirement in REMOVED: "${name}"`))
          else removedNames.add(key)
        }
        for (const {from, to} of plan.renamed) {
          const fromKey = normalizeRequirementName(from)
          const toKey = normalizeRequirementName(to)
          totalDeltas++
          if (renamedFrom.has(fromKey)) issues.push(issue('ERROR', entryPath, `Duplicate FROM in RENAMED: "${from}"`))
          else renamedFrom.add(fromKey)
          if (renamedTo.has(toKey)) issues.push(issue('ERROR', entryPath, `Duplicate TO in RENAMED: "${to}"`))
          else renamedTo.add(toKey)
        }

        for (const n of modifiedNames) {
          if (removedNames.has(n)) issues.push(issue('ERROR', entryPath, `Requirement present in both MODIFIED and REMOVED: "${n}"`))
          if (addedNames.has(n)) issues.push(issue('ERROR', entryPath, `Requirement present in both MODIFIED and ADDED: "${n}"`))
        }
        for (const n of addedNames) {
          if (removedNames.has(n)) issues.push(issue('ERROR', entryPath, `Requirement present in both ADDED and REMOVED: "${n}"`))
        }
        for (const {from, to} of plan.renamed) {
          const fromKey = normalizeRequirementName(from)
          const toKey = normalizeRequirementName(to)
          if (modifiedNames.has(fromKey)) issues.push(issue('ERROR', entryPath, `MODIFIED references old name from RENAMED. Use new header for "${to}"`))
          if (addedNames.has(toKey)) issues.push(issue('ERROR', entryPath, `RENAMED TO collides with ADDED for "${to}"`))
          const folded = foldRequirementName(fromKey)
          const removedMatch = [...removedNames].find((r) => foldRequirementName(r) === folded)
          if (removedMatch !== undefined) {
            issues.push(
              issue(
                'ERROR',
                entryPath,
                `Requirement present in both RENAMED and REMOVED: "${from}"` + (removedMatch === fromKey ? '' : ` (REMOVED spells it "${removedMatch}")`),
              ),
            )
          }
        }
      }
      const mainSpecsDir = options.mainSpecsDir
      if (mainSpecsDir) {
        issues.push(
          // A dry run of archive: read-only, so the folders' answers can be remembered.
          ...withPathMemo(() => archiveBlockers(changeDir, mainSpecsDir, [
            ...issues.filter((i) => i.level === 'ERROR').map((i) => i.path),
            ...missingHeaderSpecs,
            ...emptySectionSpecs.map((s) => s.path),
          ])),
        )
      }
    } catch (error) {
      // A missing specs/ folder (or a file in its place) means no deltas; anything else is loud.
      const code = errnoOf(error)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error
    }

    const unread = findUnreadDeltaFiles(specsDir)
    for (const file of unread) {
      issues.push(
        issue(
          'ERROR',
          file.path,
          `Delta spec found at specs/${file.path}. Delta specs must be a spec.md inside a capability folder — this file is ignored when the change is applied or archived. Move its requirements into specs/${file.expected}.`,
        ),
      )
    }
    for (const {path: specPath, sections} of emptySectionSpecs) {
      issues.push(
        issue(
          'ERROR',
          specPath,
          `Delta sections ${formatSectionList(sections)} were found, but no requirement entries parsed. Ensure each section includes at least one "### Requirement:" block (REMOVED may use bullet list syntax).`,
        ),
      )
    }
    for (const specPath of missingHeaderSpecs) {
      issues.push(issue('ERROR', specPath, 'No delta sections found. Add headers such as "## ADDED Requirements" or move non-delta notes outside specs/.'))
    }

    const marker = readSkipSpecsMarker(changeDir)
    if (marker.invalidReason) issues.push(issue('ERROR', METADATA_FILENAME, invalidMarkerMessage(marker.invalidReason)))
    const skipSpecs = marker.declared
    let specsHaveFiles = false
    if (skipSpecs) {
      try {
        specsHaveFiles = hasAnyFileUnder(specsDir)
      } catch {
        specsHaveFiles = true
      }
    }
    if (skipSpecs && specsHaveFiles) issues.push(issue('ERROR', 'file', VALIDATION_MESSAGES.CHANGE_SKIP_SPECS_CONFLICT))
    if (totalDeltas === 0 && !hasRootLevelSpec && unread.length === 0) {
      if (skipSpecs && !specsHaveFiles) issues.push(issue('INFO', 'file', VALIDATION_MESSAGES.CHANGE_SKIP_SPECS_ACCEPTED))
      else if (!skipSpecs) issues.push(issue('ERROR', 'file', enrichTopLevelError(VALIDATION_MESSAGES.CHANGE_NO_DELTAS)))
    }
    if (options.projectRoot) issues.push(...taskFileIssues(changeDir, options.projectRoot))
    return this.createReport(issues)
  }

  /** Counts the issues and decides the verdict. */
  createReport(issues: ValidationIssue[]): ValidationReport {
    let errors = 0
    let warnings = 0
    let info = 0
    for (const i of issues) {
      if (i.level === 'ERROR') errors++
      else if (i.level === 'WARNING') warnings++
      else info++
    }
    const valid = this.strictMode ? errors === 0 && warnings === 0 : errors === 0
    return {valid, issues, summary: {errors, warnings, info}}
  }

  private applySpecRules(spec: Spec, content: string, lines: readonly string[], fenced: readonly boolean[]): ValidationIssue[] {
    const issues: ValidationIssue[] = []
    // The structure check sees a byte-order mark (the shared lines have none): re-read only then.
    const structure = content.charCodeAt(0) === 0xfeff ? findMainSpecStructureIssues(content) : findStructureIssuesInLines(lines, fenced)
    for (const s of structure) issues.push(issue('ERROR', 'file', s.message, s.line))
    const placeholder = findPurposePlaceholderIssue(spec.overview, content)
    if (placeholder) issues.push(issue('WARNING', 'overview', VALIDATION_MESSAGES.PURPOSE_IS_PLACEHOLDER, placeholder.line))
    else if (spec.overview.length < MIN_PURPOSE_LENGTH) issues.push(issue('WARNING', 'overview', VALIDATION_MESSAGES.PURPOSE_TOO_BRIEF))
    spec.requirements.forEach((req, i) => {
      if (req.text.length > MAX_REQUIREMENT_TEXT_LENGTH) issues.push(issue('INFO', `requirements[${i}]`, VALIDATION_MESSAGES.REQUIREMENT_TOO_LONG))
      if (req.scenarios.length === 0) {
        issues.push(issue('WARNING', `requirements[${i}].scenarios`, `${VALIDATION_MESSAGES.REQUIREMENT_NO_SCENARIOS}. ${VALIDATION_MESSAGES.GUIDE_SCENARIO_FORMAT}`))
      }
    })
    requirementBlockRanges(lines, fenced).forEach((block, i) => {
      const text = requirementBodyInRange(lines, fenced, block.header + 1, block.end, false) || undefined
      if (!text) issues.push(issue('ERROR', `requirements[${i}]`, missingShallOrMust(`Requirement "${block.name}"`, block.name)))
      else if (!containsShallOrMust(text)) issues.push(issue('WARNING', `requirements[${i}]`, missingShallOrMust(`Requirement "${block.name}"`, block.name, true)))
    })
    return issues
  }
}

function changeRules(change: Change): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  change.deltas.forEach((delta, i) => {
    if (!delta.description || delta.description.length < MIN_DELTA_DESCRIPTION_LENGTH) {
      issues.push(issue('WARNING', `deltas[${i}].description`, VALIDATION_MESSAGES.DELTA_DESCRIPTION_TOO_BRIEF))
    }
    if ((delta.operation === 'ADDED' || delta.operation === 'MODIFIED') && (!delta.requirements || delta.requirements.length === 0)) {
      issues.push(issue('WARNING', `deltas[${i}].requirements`, `${delta.operation} ${VALIDATION_MESSAGES.DELTA_MISSING_REQUIREMENTS}`))
    }
  })
  return issues
}

/** Only a link can take a file out of its own folder; check the real paths only then. */
function assertFileStaysInItsFolder(file: string): void {
  const stat = fs.lstatSync(file, {throwIfNoEntry: false})
  if (stat !== undefined && !stat.isSymbolicLink()) return
  assertPathWithin(path.dirname(file), file)
}

function statIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function invalidMarkerMessage(reason: string): string {
  return `${VALIDATION_MESSAGES.CHANGE_SKIP_SPECS_INVALID_METADATA} (${reason})`
}

/** The body text of a `### Requirement:` block (its heading is line 0); the heading is never a fallback here. */
function requirementBodyText(raw: string): string | undefined {
  return extractRequirementBody(raw.split('\n').slice(1)) || undefined
}

/** The SHALL/MUST message; when the keyword sits in the heading only, it says to move it. */
function missingShallOrMust(prefix: string, name: string, guidanceOnly = false): string {
  const base = `${prefix} ${guidanceOnly ? 'should' : 'must'} contain SHALL or MUST`
  const suffix = guidanceOnly ? ' (RFC 2119 best practice for English specs)' : ''
  if (containsShallOrMust(name)) {
    return `${base} in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the "### Requirement: ..." header.${suffix}`
  }
  return `${base}${suffix}`
}

function emptyScenarioHint(raw: string): string {
  if (countEmptyScenarios(raw.split('\n').slice(1)) === 0) return ''
  return ' (a scenario header with no body under it does not count; add its steps, e.g. "- **WHEN** ..." and "- **THEN** ...")'
}

function formatSectionList(sections: string[]): string {
  if (sections.length <= 1) return sections[0] ?? ''
  return `${sections.slice(0, -1).join(', ')} and ${sections[sections.length - 1]}`
}

const UNUSABLE_SPEC_CODES = new Set(['EACCES', 'EPERM', 'EISDIR', 'ELOOP', 'ENAMETOOLONG'])

/**
 * MODIFIED blocks that drop a scenario the main spec still has (archive refuses those). Silent
 * when there is no main spec or no such requirement; a main spec that exists but is unusable is
 * an error, as archive would fail on it too.
 */
function scenarioLossIssues(
  modified: readonly RequirementBlock[],
  renamed: ReadonlyArray<{from: string; to: string}>,
  mainSpecFile: string,
  entryPath: string,
): ValidationIssue[] {
  let mainContent: string
  try {
    mainContent = readFileText(mainSpecFile)
  } catch (error) {
    const code = errnoOf(error)
    if (!code || !UNUSABLE_SPEC_CODES.has(code)) return []
    return [
      issue(
        'ERROR',
        entryPath,
        `Could not read ${toPosix(mainSpecFile)} to check the MODIFIED requirements against it ` +
          `(${code}). Archive reads the same file, so fix the file before archiving.`,
      ),
    ]
  }
  const current = new Map<string, RequirementBlock>()
  for (const block of parsedOnce(extractRequirementsSection, mainContent).bodyBlocks) current.set(normalizeRequirementName(block.name), block)
  // Archive renames before it modifies: a MODIFIED under the new name replaces the renamed block (renames may chain).
  const renamedFrom = new Map(renamed.map(({from, to}) => [normalizeRequirementName(to), normalizeRequirementName(from)]))
  const blockFor = (name: string): RequirementBlock | undefined => {
    const seen = new Set<string>()
    let key: string | undefined = name
    while (key !== undefined && !seen.has(key)) {
      const block = current.get(key)
      if (block) return block
      seen.add(key)
      key = renamedFrom.get(key)
    }
    return undefined
  }
  const renamedAway = new Set(renamed.map(({from}) => normalizeRequirementName(from)))
  const issues: ValidationIssue[] = []
  for (const block of modified) {
    const key = normalizeRequirementName(block.name)
    if (renamedAway.has(key)) continue
    const currentBlock = blockFor(key)
    if (!currentBlock) continue
    const diff = diffScenarioNames(currentBlock, block)
    if (diff.missing.length === 0) continue
    issues.push(
      issue(
        'ERROR',
        entryPath,
        `MODIFIED "${block.name}" omits scenario(s) the current spec still has: ` +
          `${diff.missing.map((n) => `"${n}"`).join(', ')}. ` +
          `${describeScenarioBalance(diff)} ` +
          'Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).',
      ),
    )
  }
  return issues
}

/** True for failures of the file system (which say nothing about whether a delta applies). */
function isFileSystemFailure(error: unknown): boolean {
  const e = error as {code?: unknown; errno?: unknown; syscall?: unknown} | null
  if (!e || typeof e !== 'object') return false
  if (e.code === 'IO') return true
  return typeof e.errno === 'number' || typeof e.syscall === 'string'
}

/**
 * A dry run of archive's merge: every delta archive would refuse, as INFO (the verdict does not
 * change — the missing target may come from a sibling change not archived yet). Deltas already
 * reported as errors are skipped, so one mistake is not reported twice in two wordings.
 */
function archiveBlockers(changeDir: string, mainSpecsDir: string, alreadyReported: readonly string[]): ValidationIssue[] {
  const reported = new Set(alreadyReported)
  const changeName = path.basename(changeDir)
  let updates: SpecUpdate[]
  try {
    updates = findSpecUpdates(changeDir, mainSpecsDir)
  } catch (error) {
    return [issue('INFO', 'specs', `Could not check archive merge conflicts: ${error instanceof Error ? error.message : String(error)}`)]
  }
  const issues: ValidationIssue[] = []
  for (const update of updates) {
    const entryPath = toPosix(`${update.id}/spec.md`)
    if (reported.has(entryPath)) continue
    try {
      buildUpdatedSpec(update, changeName, {silent: true, skipAudit: true})
    } catch (error) {
      if (isFileSystemFailure(error)) continue
      issues.push(issue('INFO', entryPath, `Archive would refuse this delta: ${error instanceof Error ? error.message : String(error)}`))
    }
  }
  return issues
}

// --- task files ---------------------------------------------------------------------------------

function canonicalOrResolved(p: string): string {
  try {
    return realpathNative(p)
  } catch {
    return path.resolve(p)
  }
}

/** A task file's name relative to its change (`/`-separated); the bare file name if it escapes. */
function taskDocumentPath(changeDir: string, file: string): string {
  const rel = path.relative(canonicalOrResolved(changeDir), canonicalOrResolved(file))
  const escapes = rel === '' || rel.startsWith('..') || path.isAbsolute(rel)
  return escapes ? path.basename(file) : toPosix(rel)
}

/** Checkbox warnings over the tracked task files, numbering warnings for `spec-driven` changes. */
function taskFileIssues(changeDir: string, projectRoot: string): ValidationIssue[] {
  const schema = changeSchemaOrUndefined(changeDir, projectRoot)
  const tracked = resolveTaskFilesForChange(changeDir, projectRoot, schema)
  const files = tracked.length > 0 ? tracked : [path.join(changeDir, 'tasks.md')]
  const documents: TaskDocument[] = []
  let unreadable = 0
  for (const file of files) {
    try {
      documents.push({path: taskDocumentPath(changeDir, file), content: readFileText(file)})
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') unreadable++
    }
  }
  documents.sort((a, b) => a.path.localeCompare(b.path))
  const toWarning = (i: TaskFileIssue) => issue('WARNING', i.path, i.message, i.line)
  const issues: ValidationIssue[] = []
  if (tracked.length > 0 && unreadable === 0) issues.push(...findMissingTaskCheckboxIssues(documents).map(toWarning))
  // Numbering follows the built-in spec-driven template, not a project schema of that name.
  if (schema === 'spec-driven' && !hasProjectSchema(projectRoot, schema)) issues.push(...findTaskNumberingIssues(documents).map(toWarning))
  return issues
}
