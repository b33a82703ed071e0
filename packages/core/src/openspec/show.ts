/**
 * `openspec show`: a change (its proposal and parsed deltas) or a spec (its Purpose and
 * requirements), as openspec's `--json` payloads or as the raw Markdown text mode prints.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, UnsafeInputError, UsageError} from '../errors.js'
import {parseChangeWithDeltas} from './change-parser.js'
import {assertPathWithin, describeNestedChange, findNestedChangesIn, getActiveChangeIds, getSpecIds} from './discovery.js'
import {parseSections, specFromSections, type Delta, type Requirement} from './markdown.js'
import {resolveOpenSpecRoot, rootOutput, type OpenSpecRoot} from './root.js'
import {ambiguousItemError, unknownItemError, type ItemType} from './validate-report.js'

export interface ChangeShowPayload {
  id: string
  title: string
  deltaCount: number
  deltas: Delta[]
  root: ReturnType<typeof rootOutput>
}

export interface SpecShowPayload {
  id: string
  title: string
  overview: string
  requirementCount: number
  requirements: Requirement[]
  metadata: {version: string; format: 'openspec'}
  root: ReturnType<typeof rootOutput>
}

export interface SpecShowOptions {
  /** `--requirements`: requirements without scenarios. */
  requirements?: boolean
  /** `--no-scenarios` sets this to false. */
  scenarios?: boolean
  /** `-r <n>`: only the n-th requirement (1-based), as typed. */
  requirement?: string
}

/**
 * Which kind of item `itemName` is. With a type given, no lookup is needed; otherwise an unknown
 * or ambiguous name throws with openspec's message.
 */
export function resolveShowType(root: OpenSpecRoot, itemName: string, typeOverride?: ItemType): ItemType {
  if (typeOverride) return typeOverride
  const changes = getActiveChangeIds(root.path)
  const specs = getSpecIds(root.path)
  const isChange = changes.includes(itemName)
  const isSpec = specs.includes(itemName)
  if (!isChange && !isSpec) throw unknownItemError(itemName, [...changes, ...specs])
  if (isChange && isSpec) throw ambiguousItemError(itemName)
  return isChange ? 'change' : 'spec'
}

/** The flags given that do not apply to the item's kind (openspec warns about them). */
export function irrelevantShowFlags(type: ItemType, given: {deltasOnly?: boolean; requirementsOnly?: boolean; diff?: boolean} & SpecShowOptions): string[] {
  const out: string[] = []
  if (type === 'change') {
    if (given.requirements !== undefined) out.push('requirements')
    if (given.scenarios === false) out.push('scenarios')
    if (given.requirement !== undefined) out.push('requirement')
  } else {
    if (given.deltasOnly !== undefined) out.push('deltasOnly')
    if (given.requirementsOnly !== undefined) out.push('requirementsOnly')
    if (given.diff !== undefined) out.push('diff')
  }
  return out
}

/** A proposal's title: its first `# ` heading (without `Change:`), unless that is just "Proposal". */
export function extractChangeTitle(content: string, changeName: string): string {
  const title = /^#\s+(?:Change:\s+)?(.+)$/im.exec(content)?.[1]?.trim()
  return title && title.toLowerCase() !== 'proposal' ? title : changeName
}

function itemNameFromPath(filePath: string): string {
  const parts = filePath.replace(/\\/g, '/').split('/')
  for (let i = parts.length - 1; i >= 0; i--) {
    if ((parts[i] === 'specs' || parts[i] === 'changes') && i < parts.length - 1) return parts[i + 1] as string
  }
  return parts[parts.length - 1] ?? ''
}

/** The proposal.md of a change, checked to be there (openspec's messages when it is not). */
function proposalOf(root: OpenSpecRoot, changeName: string): {changeDir: string; proposalPath: string} {
  const changeDir = path.join(root.changesDir, changeName)
  const proposalPath = path.join(changeDir, 'proposal.md')
  if (path.dirname(path.resolve(changeDir)) !== path.resolve(root.changesDir)) {
    throw new NotFoundError(`Change "${changeName}" not found at ${proposalPath}`)
  }
  if (!fs.existsSync(proposalPath)) {
    let isDir = false
    try {
      isDir = fs.statSync(changeDir).isDirectory()
    } catch {
      isDir = false
    }
    if (isDir) {
      const nested = findNestedChangesIn(root.changesDir, changeName)
      if (nested) throw new NotFoundError(describeNestedChange(nested))
      throw new NotFoundError(`Change "${changeName}" has no proposal.md yet. Run "openspec status --change ${changeName}" to see which artifact comes next.`)
    }
    throw new NotFoundError(`Change "${changeName}" not found at ${proposalPath}`)
  }
  assertWithin(changeDir, proposalPath)
  return {changeDir, proposalPath}
}

/** `show <change>` in text mode: the proposal's Markdown, as is. */
export function changeText(root: OpenSpecRoot, changeName: string): string {
  return fs.readFileSync(proposalOf(root, changeName).proposalPath, 'utf8')
}

/** `show <change> --json`: the change and its parsed deltas. */
export function showChange(root: OpenSpecRoot, changeName: string): ChangeShowPayload {
  const {changeDir, proposalPath} = proposalOf(root, changeName)
  const content = fs.readFileSync(proposalPath, 'utf8')
  const change = parseChangeWithDeltas(content, changeDir, itemNameFromPath(proposalPath))
  const deltas = JSON.parse(JSON.stringify(change.deltas)) as Delta[]
  return {id: change.name, title: extractChangeTitle(content, changeName), deltaCount: deltas.length, deltas, root: rootOutput(root)}
}

function assertWithin(dir: string, file: string): void {
  try {
    assertPathWithin(dir, file)
  } catch (error) {
    throw new UnsafeInputError((error as Error).message)
  }
}

/** openspec's confinement of a spec path: inside specs/, or (a linked capability) inside its folder. */
function assertSpecPath(specsDir: string, specPath: string): void {
  const rel = path.relative(path.resolve(specsDir), path.resolve(specPath))
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new UnsafeInputError(`Path is outside the allowed directory: ${specPath}`)
  try {
    assertPathWithin(specsDir, specPath)
  } catch {
    assertWithin(path.dirname(specPath), specPath)
  }
}

/** The spec file of `specId`, checked to be inside specs/ and to exist. */
function specFileOf(root: OpenSpecRoot, specId: string): string {
  const specPath = path.join(root.specsDir, specId, 'spec.md')
  assertSpecPath(root.specsDir, specPath)
  if (!fs.existsSync(specPath)) throw new NotFoundError(`Spec '${specId}' not found at ${specPath}`)
  return specPath
}

/** `show <spec>` in text mode: the spec's Markdown, as is. */
export function specText(root: OpenSpecRoot, specId: string): string {
  return fs.readFileSync(specFileOf(root, specId), 'utf8')
}

/** `show <spec> --json`: the spec's requirements, filtered by the options. */
export function showSpec(root: OpenSpecRoot, specId: string, options: SpecShowOptions = {}): SpecShowPayload {
  const specPath = specFileOf(root, specId)
  if (options.requirements && options.requirement) throw new UsageError('Options --requirements and --requirement cannot be used together')
  const content = fs.readFileSync(specPath, 'utf8')
  const spec = specFromSections(parseSections(content), specId)
  let index: number | undefined
  if (options.requirement) {
    const n = Number.parseInt(options.requirement, 10)
    if (!Number.isInteger(n) || n < 1 || n > spec.requirements.length) throw new NotFoundError(`Requirement ${options.requirement} not found`)
    index = n - 1
  }
  const withScenarios = options.scenarios !== false && !options.requirements
  const requirements = (index === undefined ? spec.requirements : [spec.requirements[index] as Requirement]).map((r) => ({
    text: r.text,
    scenarios: withScenarios ? r.scenarios : [],
  }))
  return {
    id: specId,
    title: spec.name,
    overview: spec.overview,
    requirementCount: requirements.length,
    requirements,
    metadata: {version: spec.metadata.version, format: spec.metadata.format},
    root: rootOutput(root),
  }
}

/** What `show` was asked, as flags give it. */
export interface ShowRequest extends SpecShowOptions {
  item?: string
  /** `--type`: anything but `change` / `spec` (any case) is ignored, as openspec ignores it. */
  type?: string
  json?: boolean
  deltasOnly?: boolean
  requirementsOnly?: boolean
  diff?: boolean
  startPath?: string
}

/** `show`'s result: the JSON payload or the Markdown text, and the warnings openspec prints on stderr. */
export interface ShowOutcome {
  type: ItemType
  payload?: ChangeShowPayload | SpecShowPayload
  text?: string
  warnings: string[]
}

/** Runs `show` as openspec does (with no item, throws UsageError instead of prompting). */
export function runShow(request: ShowRequest): ShowOutcome {
  const root = resolveOpenSpecRoot(request.startPath === undefined ? {} : {startPath: request.startPath})
  if (request.item === undefined) {
    throw new UsageError('Nothing to show.', {
      hint: 'Try one of: psp openspec show <item> | psp openspec show <item> --type change | psp openspec show <item> --type spec',
      data: {diagnostic: {severity: 'error', code: 'missing_item', message: 'Nothing to show.'}},
    })
  }
  const override = request.type?.toLowerCase()
  const type = resolveShowType(root, request.item, override === 'change' || override === 'spec' ? override : undefined)
  const warnings: string[] = []
  const irrelevant = irrelevantShowFlags(type, request)
  if (irrelevant.length > 0) warnings.push(`Warning: Ignoring flags not applicable to ${type}: ${irrelevant.join(', ')}`)
  if (type === 'change') {
    if (!request.json) return {type, text: changeText(root, request.item), warnings}
    if (request.requirementsOnly) warnings.push('Flag --requirements-only is deprecated; use --deltas-only instead.')
    return {type, payload: showChange(root, request.item), warnings}
  }
  if (!request.json) return {type, text: specText(root, request.item), warnings}
  return {type, payload: showSpec(root, request.item, request), warnings}
}
