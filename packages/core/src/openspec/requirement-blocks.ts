/**
 * Requirement blocks: the `### Requirement:` sections of a main spec, and the ADDED / MODIFIED /
 * REMOVED / RENAMED sections of a change's delta spec. These are the structures archive merges,
 * so validate reads them with the very same functions.
 */
import {buildCodeFenceMask} from './code-fence.js'
import {SCENARIO_HEADER} from './requirement-text.js'

/** One `### Requirement:` block: its heading line, its name, and its text (heading included, trailing space trimmed). */
export interface RequirementBlock {
  headerLine: string
  name: string
  raw: string
}

/** A main spec cut around its `## Requirements` section. */
export interface RequirementsSectionParts {
  before: string
  headerLine: string
  preamble: string
  bodyBlocks: RequirementBlock[]
  after: string
}

/** A level-3 heading inside ADDED/MODIFIED that is not a `### Requirement:` heading (reported as INFO). */
export interface SkippedHeader {
  header: string
  section: string
  line: number
}

/** A `FROM:` or `TO:` line in RENAMED that never formed a pair. */
export interface UnpairedRename {
  side: 'FROM' | 'TO'
  name: string
  line: number
}

/** A `### Requirement:` block written outside every delta section (so never applied). */
export interface OrphanedRequirement {
  name: string
  section: string | null
  line: number
}

/** Everything a delta spec asks for, as archive will apply it. */
export interface DeltaPlan {
  added: RequirementBlock[]
  modified: RequirementBlock[]
  removed: string[]
  removedBlocks: RequirementBlock[]
  renamed: Array<{from: string; to: string}>
  unpairedRenames: UnpairedRename[]
  orphanedRequirements: OrphanedRequirement[]
  skippedHeaders: SkippedHeader[]
  sectionPresence: {added: boolean; modified: boolean; removed: boolean; renamed: boolean}
}

/** Scenario names of a current and an incoming (MODIFIED) block, compared both ways. */
export interface ScenarioNameDiff {
  missing: string[]
  added: string[]
  currentCount: number
  incomingCount: number
}

/**
 * The name of a requirement as written in its heading, without a closing run of `#`s (an ATX
 * heading may end in one). Only a run after a space or tab closes a heading, so `C#` keeps its `#`.
 */
export function normalizeRequirementName(name: string): string {
  return name.replace(/[ \t]+#+[ \t]*$/, '').trim()
}

/**
 * A case- and whitespace-insensitive form of a requirement name. Matching is exact; this fold only
 * serves to spot near-misses (a REMOVED header spelled slightly differently, for instance).
 */
export function foldRequirementName(name: string): string {
  return normalizeRequirementName(name).toLowerCase().replace(/\s+/g, ' ')
}

/** The requirement heading the delta reader accepts (the space after `###` is optional here). */
const REQUIREMENT_HEADING = /^###\s*Requirement:\s*(.+)\s*$/i
const LEVEL_2 = /^##\s+/
const LEVEL_2_TITLE = /^(##)\s+(.+)$/

/** Drops a leading byte-order mark and turns CRLF / CR into LF. */
function toLf(content: string): string {
  return content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

/**
 * Splits a main spec around its `## Requirements` section and reads the requirement blocks in it.
 * With no such section, an empty one is described at the end of the text.
 */
export function extractRequirementsSection(content: string): RequirementsSectionParts {
  const lines = toLf(content).split('\n')
  const fenced = buildCodeFenceMask(lines)
  const start = requirementsHeadingIndex(lines, fenced)
  if (start === -1) {
    const before = content.trimEnd()
    return {before: before ? `${before}\n\n` : '', headerLine: '## Requirements', preamble: '', bodyBlocks: [], after: '\n'}
  }
  const end = sectionEnd(lines, fenced, start)
  const {preamble, blocks} = readRequirementsBody(lines, fenced, start, end)
  const before = lines.slice(0, start).join('\n')
  const after = lines.slice(end).join('\n')
  return {
    before: before.trimEnd() ? `${before}\n` : before,
    headerLine: lines[start] as string,
    preamble: preamble.join('\n').trimEnd(),
    bodyBlocks: blocks,
    after: after.startsWith('\n') ? after : `\n${after}`,
  }
}

/**
 * The requirement blocks of a main spec already split into LF lines (byte-order mark dropped),
 * with its fence mask: `extractRequirementsSection(content).bodyBlocks` without re-reading.
 */
export function requirementBlocksOfLines(lines: readonly string[], fenced: readonly boolean[]): RequirementBlock[] {
  const start = requirementsHeadingIndex(lines, fenced)
  return start === -1 ? [] : readRequirementsBody(lines, fenced, start, sectionEnd(lines, fenced, start)).blocks
}

/** Where a requirement block sits in a document: its heading line, and the line after its last. */
export interface RequirementBlockRange {
  name: string
  header: number
  end: number
}

/**
 * The requirement blocks of a main spec (LF lines, byte-order mark dropped, with their fence
 * mask) as line ranges: `requirementBlocksOfLines` without building the block texts.
 */
export function requirementBlockRanges(lines: readonly string[], fenced: readonly boolean[]): RequirementBlockRange[] {
  const start = requirementsHeadingIndex(lines, fenced)
  if (start === -1) return []
  const end = sectionEnd(lines, fenced, start)
  const ranges: RequirementBlockRange[] = []
  for (let i = start + 1; i < end; i++) {
    if (fenced[i]) continue
    const m = REQUIREMENT_HEADING.exec(lines[i] as string)
    if (!m) continue
    const previous = ranges[ranges.length - 1]
    if (previous) previous.end = i
    ranges.push({name: normalizeRequirementName(m[1] as string), header: i, end})
  }
  return ranges
}

function requirementsHeadingIndex(lines: readonly string[], fenced: readonly boolean[]): number {
  return lines.findIndex((line, i) => !fenced[i] && /^##\s+Requirements\s*$/i.test(line))
}

/** The index of the next `## ` heading after `start`, or the end. */
function sectionEnd(lines: readonly string[], fenced: readonly boolean[], start: number): number {
  for (let i = start + 1; i < lines.length; i++) if (!fenced[i] && LEVEL_2.test(lines[i] as string)) return i
  return lines.length
}

function readRequirementsBody(lines: readonly string[], fenced: readonly boolean[], start: number, end: number): {preamble: string[]; blocks: RequirementBlock[]} {
  const isRequirement = (i: number) => !fenced[i] && REQUIREMENT_HEADING.test(lines[i] as string)
  const isSection = (i: number) => !fenced[i] && LEVEL_2.test(lines[i] as string)
  let cursor = start + 1
  const preamble: string[] = []
  while (cursor < end && !isRequirement(cursor)) preamble.push(lines[cursor++] as string)
  const blocks: RequirementBlock[] = []
  while (cursor < end) {
    if (!isRequirement(cursor)) {
      cursor++
      continue
    }
    const headerLine = lines[cursor] as string
    const name = normalizeRequirementName((REQUIREMENT_HEADING.exec(headerLine) as RegExpExecArray)[1] as string)
    const blockLines = [headerLine]
    cursor++
    while (cursor < end && !isRequirement(cursor) && !isSection(cursor)) blockLines.push(lines[cursor++] as string)
    blocks.push({headerLine, name, raw: blockLines.join('\n').trimEnd()})
  }
  return {preamble, blocks}
}

interface SectionBody {
  lines: string[]
  fenced: boolean[]
  /** 1-based line number of the first body line. */
  firstLine: number
}

interface Section {
  title: string
  body: SectionBody
}

/** Every `## ` section in order; a repeated title stays repeated (each copy is applied). */
function topLevelSections(lines: string[], fenced: boolean[]): Section[] {
  const starts: Array<{title: string; index: number}> = []
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue
    const m = LEVEL_2_TITLE.exec(lines[i] as string)
    if (m) starts.push({title: (m[2] as string).trim(), index: i})
  }
  return starts.map((s, k) => {
    const end = k + 1 < starts.length ? (starts[k + 1] as {index: number}).index : lines.length
    return {title: s.title, body: {lines: lines.slice(s.index + 1, end), fenced: fenced.slice(s.index + 1, end), firstLine: s.index + 2}}
  })
}

interface SectionLookup {
  /** The first spelling the author used (quoted in messages), or the canonical title. */
  title: string
  bodies: SectionBody[]
  found: boolean
}

/** All sections whose title matches case-insensitively, in document order. */
function sectionsTitled(sections: Section[], wanted: string): SectionLookup {
  const target = wanted.toLowerCase()
  const matches = sections.filter((s) => s.title.toLowerCase() === target)
  if (matches.length === 0) return {title: wanted, bodies: [], found: false}
  return {title: (matches[0] as Section).title, bodies: matches.map((s) => s.body), found: true}
}

const DELTA_TITLES = new Set(['added requirements', 'modified requirements', 'removed requirements', 'renamed requirements'])

/**
 * Reads a delta spec: the requirement blocks under ADDED and MODIFIED, the names under REMOVED,
 * the FROM/TO pairs under RENAMED, and what could not be read (stray level-3 headings, unpaired
 * renames, requirements outside every delta section).
 */
export function parseDeltaSpec(content: string): DeltaPlan {
  const lines = toLf(content).split('\n')
  const fenced = buildCodeFenceMask(lines)
  const sections = topLevelSections(lines, fenced)
  const added = sectionsTitled(sections, 'ADDED Requirements')
  const modified = sectionsTitled(sections, 'MODIFIED Requirements')
  const removed = sectionsTitled(sections, 'REMOVED Requirements')
  const renamed = sectionsTitled(sections, 'RENAMED Requirements')

  const skippedHeaders: SkippedHeader[] = []
  const addedBlocks = added.bodies.flatMap((b) => readBlocks(b, {section: added.title, sink: skippedHeaders}))
  const modifiedBlocks = modified.bodies.flatMap((b) => readBlocks(b, {section: modified.title, sink: skippedHeaders}))
  const removedNames = removed.bodies.flatMap(readRemovedNames)
  const removedBlocks = removed.bodies.flatMap((b) => readBlocks(b))
  const unpairedRenames: UnpairedRename[] = []
  const renamedPairs = renamed.bodies.flatMap((b) => readRenamePairs(b, unpairedRenames))
  unpairedRenames.sort((a, b) => a.line - b.line)
  skippedHeaders.sort((a, b) => a.line - b.line)
  return {
    added: addedBlocks,
    modified: modifiedBlocks,
    removed: removedNames,
    removedBlocks,
    renamed: renamedPairs,
    unpairedRenames,
    orphanedRequirements: findOrphans(lines, fenced),
    skippedHeaders,
    sectionPresence: {added: added.found, modified: modified.found, removed: removed.found, renamed: renamed.found},
  }
}

/** `### Requirement:` blocks anywhere outside the four delta sections (above the first `## ` too). */
function findOrphans(lines: string[], fenced: boolean[]): OrphanedRequirement[] {
  const orphans: OrphanedRequirement[] = []
  let section: string | null = null
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue
    const line = lines[i] as string
    const sectionMatch = LEVEL_2_TITLE.exec(line)
    if (sectionMatch) {
      section = (sectionMatch[2] as string).trim()
      continue
    }
    if (section !== null && DELTA_TITLES.has(section.toLowerCase())) continue
    const m = REQUIREMENT_HEADING.exec(line)
    if (m) orphans.push({name: normalizeRequirementName(m[1] as string), section, line: i + 1})
  }
  return orphans
}

interface SkipSink {
  section: string
  sink: SkippedHeader[]
}

function readBlocks(body: SectionBody, skipped?: SkipSink): RequirementBlock[] {
  const {lines, fenced} = body
  const isRequirement = (i: number) => !fenced[i] && REQUIREMENT_HEADING.test(lines[i] as string)
  const isSection = (i: number) => !fenced[i] && LEVEL_2.test(lines[i] as string)
  const noteSkipped = (i: number) => {
    if (!skipped || fenced[i]) return
    const line = lines[i] as string
    const h3 = /^###\s+(.+?)\s*$/.exec(line)
    if (h3 && !REQUIREMENT_HEADING.test(line)) {
      skipped.sink.push({header: (h3[1] as string).trim(), section: skipped.section, line: body.firstLine + i})
    }
  }
  const blocks: RequirementBlock[] = []
  let i = 0
  while (i < lines.length) {
    while (i < lines.length && !isRequirement(i)) noteSkipped(i++)
    if (i >= lines.length) break
    const headerLine = lines[i] as string
    const name = normalizeRequirementName((REQUIREMENT_HEADING.exec(headerLine) as RegExpExecArray)[1] as string)
    const buf = [headerLine]
    i++
    while (i < lines.length && !isRequirement(i) && !isSection(i)) {
      noteSkipped(i)
      buf.push(lines[i++] as string)
    }
    blocks.push({headerLine, name, raw: buf.join('\n').trimEnd()})
  }
  return blocks
}

/** REMOVED entries: `### Requirement: X` headings, or bullets (`-`, `*`, `+`) carrying one. */
function readRemovedNames(body: SectionBody): string[] {
  const names: string[] = []
  body.lines.forEach((line, i) => {
    if (body.fenced[i]) return
    const heading = REQUIREMENT_HEADING.exec(line)
    if (heading) {
      names.push(normalizeRequirementName(heading[1] as string))
      return
    }
    const bullet = /^\s*[-*+]\s*`?###\s*Requirement:\s*(.+?)`?\s*$/.exec(line)
    if (bullet) names.push(normalizeRequirementName(bullet[1] as string))
  })
  return names
}

/**
 * RENAMED pairs: a `FROM:` line followed by a `TO:` line, with no other `FROM:` between them.
 * Anything that does not pair up is recorded rather than guessed at.
 */
function readRenamePairs(body: SectionBody, unpaired: UnpairedRename[]): Array<{from: string; to: string}> {
  const pairs: Array<{from: string; to: string}> = []
  let pending: {name: string; line: number} | undefined
  body.lines.forEach((line, i) => {
    if (body.fenced[i]) return
    const from = /^\s*[-*+]?\s*FROM:\s*`?###\s*Requirement:\s*(.+?)`?\s*$/.exec(line)
    if (from) {
      if (pending) unpaired.push({side: 'FROM', name: pending.name, line: pending.line})
      pending = {name: normalizeRequirementName(from[1] as string), line: body.firstLine + i}
      return
    }
    const to = /^\s*[-*+]?\s*TO:\s*`?###\s*Requirement:\s*(.+?)`?\s*$/.exec(line)
    if (!to) return
    const name = normalizeRequirementName(to[1] as string)
    if (!pending) {
      unpaired.push({side: 'TO', name, line: body.firstLine + i})
      return
    }
    pairs.push({from: pending.name, to: name})
    pending = undefined
  })
  if (pending) unpaired.push({side: 'FROM', name: pending.name, line: pending.line})
  return pairs
}

/**
 * Scenario names of the current block and of the incoming (MODIFIED) one, compared with
 * multiplicity: `missing` are the current ones the incoming block would drop, `added` the new ones.
 */
export function diffScenarioNames(current: RequirementBlock, incoming: RequirementBlock): ScenarioNameDiff {
  const currentNames = scenarioNames(current.raw)
  const incomingNames = scenarioNames(incoming.raw)
  const unmatched = (names: string[], against: string[]): string[] => {
    const left = new Map<string, number>()
    for (const n of against) left.set(n, (left.get(n) ?? 0) + 1)
    const out: string[] = []
    for (const n of names) {
      const k = left.get(n) ?? 0
      if (k > 0) left.set(n, k - 1)
      else out.push(n)
    }
    return out
  }
  return {
    missing: unmatched(currentNames, incomingNames),
    added: unmatched(incomingNames, currentNames),
    currentCount: currentNames.length,
    incomingCount: incomingNames.length,
  }
}

/** The scenario names a MODIFIED block would drop from the current one. */
export function findMissingCurrentScenarios(current: RequirementBlock, incoming: RequirementBlock): string[] {
  return diffScenarioNames(current, incoming).missing
}

const MAX_LISTED_ADDED = 3

/** The sentence archive and validate both append when a MODIFIED block drops scenarios. */
export function describeScenarioBalance(diff: ScenarioNameDiff): string {
  const count = (n: number) => `${n} ${n === 1 ? 'scenario' : 'scenarios'}`
  const scale = `The modified block has ${count(diff.incomingCount)}; the current spec has ${count(diff.currentCount)}.`
  if (diff.added.length === 0) return `${scale} It adds none.`
  const listed = diff.added
    .slice(0, MAX_LISTED_ADDED)
    .map((n) => `"${n}"`)
    .join(', ')
  const rest = diff.added.length - MAX_LISTED_ADDED
  return `${scale} It adds ${count(diff.added.length)} not in the current spec: ${rest > 0 ? `${listed} and ${rest} more` : listed}.`
}

/** Names of the level-4 headings of a block, as a reader sees them (no `Scenario:`, no closing `#`s). */
function scenarioNames(raw: string): string[] {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n')
  const fenced = buildCodeFenceMask(lines)
  const names: string[] = []
  lines.forEach((line, i) => {
    if (fenced[i] || !SCENARIO_HEADER.test(line)) return
    names.push(
      line
        .replace(SCENARIO_HEADER, '')
        .replace(/[ \t]+#+[ \t]*$/, '')
        .replace(/^Scenario:\s*/i, '')
        .trim(),
    )
  })
  return names
}
