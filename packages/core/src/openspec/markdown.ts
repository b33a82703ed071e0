/**
 * The section reader for OpenSpec Markdown: a tree of headings with the text under each, read the
 * way openspec reads it (fence-aware, CRLF and BOM tolerant), and on top of it a main spec
 * (Purpose, Requirements, scenarios) and a change proposal (Why, What Changes). No Markdown
 * library: a single pass over the lines.
 */
import {buildCodeFenceMask} from './code-fence.js'
import {extractRequirementText, hasScenarioBody, requirementBodyInRange} from './requirement-text.js'

/** A heading and everything under it up to the next heading of the same or a higher level. */
export interface MarkdownSection {
  readonly level: number
  readonly title: string
  /** The text under the heading (sub-sections included), trimmed. */
  readonly content: string
  readonly children: MarkdownSection[]
}

export interface Scenario {
  rawText: string
}

export interface Requirement {
  text: string
  scenarios: Scenario[]
}

/** A main spec as openspec reads it. */
export interface Spec {
  name: string
  overview: string
  requirements: Requirement[]
  metadata: {version: string; format: 'openspec'; sourcePath?: string}
}

export type DeltaOperation = 'ADDED' | 'MODIFIED' | 'REMOVED' | 'RENAMED'

/** One change to one capability. */
export interface Delta {
  spec: string
  operation: DeltaOperation
  description: string
  requirement?: Requirement
  requirements?: Requirement[]
  rename?: {from: string; to: string}
}

/** A change proposal as openspec reads it. */
export interface Change {
  name: string
  why: string
  whatChanges: string
  deltas: Delta[]
  metadata: {version: string; format: 'openspec-change'; sourcePath?: string}
}

/** Drops a leading byte-order mark and turns CRLF / CR into LF. */
export function normalizeContent(content: string): string {
  return content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

const HEADING = /^(#{1,6})\s+(.+)$/

/** The heading tree of a Markdown text (see `parseSectionLines`). */
export function parseSections(content: string): MarkdownSection[] {
  return parseSectionLines(normalizeContent(content).split('\n'))
}

/**
 * A parsed section. Its content is cut from the document's lines only when asked for: a spec's
 * title and `## Requirements` sections span the whole file, and nothing reads their text.
 */
class LineSection implements MarkdownSection {
  readonly children: MarkdownSection[] = []
  private text: string | undefined

  constructor(
    readonly level: number,
    readonly title: string,
    private readonly lines: readonly string[],
    private readonly fenced: readonly boolean[],
    private readonly from: number,
    private readonly to: number,
  ) {}

  /** The requirement text of this section read straight from the document's lines. */
  requirementText(): string {
    return requirementBodyInRange(this.lines, this.fenced, this.from, this.to, true) || this.title.trim()
  }

  get content(): string {
    this.text ??= this.lines.slice(this.from, this.to).join('\n').trim()
    return this.text
  }
}

/**
 * The heading tree of normalised lines. Headings inside fenced blocks do not count. A section's
 * content runs to the next heading-like line (`#`…`######` then whitespace) of the same or a
 * higher level — a bare `## ` line ends a section without opening one, as openspec reads it.
 * `fenced` is the lines' code-fence mask, when the caller has it already.
 */
export function parseSectionLines(lines: readonly string[], fenced: readonly boolean[] = buildCodeFenceMask(lines)): MarkdownSection[] {
  // Heading-like lines: every non-fenced line matching `^(#{1,6})\s+`; only those with a title open a section.
  const marks: Array<{index: number; level: number; title: string | undefined}> = []
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue
    const line = lines[i] as string
    if (line.charCodeAt(0) !== 35) continue
    const bound = /^(#{1,6})\s+/.exec(line)
    if (!bound) continue
    const m = HEADING.exec(line)
    marks.push({index: i, level: (bound[1] as string).length, title: m ? (m[2] as string).trim() : undefined})
  }
  const roots: MarkdownSection[] = []
  const stack: MarkdownSection[] = []
  for (let k = 0; k < marks.length; k++) {
    const mark = marks[k] as {index: number; level: number; title: string | undefined}
    if (mark.title === undefined) continue
    // Content: up to the next heading-like line whose level is at most this one.
    let end = lines.length
    for (let j = k + 1; j < marks.length; j++) {
      const next = marks[j] as {index: number; level: number}
      if (next.level <= mark.level) {
        end = next.index
        break
      }
    }
    const section = new LineSection(mark.level, mark.title, lines, fenced, mark.index + 1, end)
    while (stack.length > 0 && (stack[stack.length - 1] as MarkdownSection).level >= mark.level) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent) parent.children.push(section)
    else roots.push(section)
    stack.push(section)
  }
  return roots
}

/** The first section (depth first, in document order) whose title matches, ignoring case. */
export function findSection(sections: readonly MarkdownSection[], title: string): MarkdownSection | undefined {
  const wanted = title.toLowerCase()
  for (const section of sections) {
    if (section.title.toLowerCase() === wanted) return section
    const child = findSection(section.children, title)
    if (child) return child
  }
  return undefined
}

/** Requirements of a section: one per child heading, with the scenarios that have a body. */
export function sectionRequirements(section: MarkdownSection): Requirement[] {
  return section.children.map((child) => ({
    text: child instanceof LineSection ? child.requirementText() : extractRequirementText(child.title, child.content.split('\n')),
    scenarios: child.children.filter((s) => hasScenarioBody(s.content)).map((s) => ({rawText: s.content})),
  }))
}

/**
 * Reads a main spec. Throws `Spec must have a Purpose section` / `Spec must have a Requirements
 * section` (openspec's messages) when one is missing or the Purpose is empty.
 */
export function parseSpecContent(content: string, name: string): Spec {
  return specFromSections(parseSections(content), name)
}

/** `parseSpecContent` on an already built section tree. */
export function specFromSections(sections: readonly MarkdownSection[], name: string): Spec {
  const purpose = findSection(sections, 'Purpose')?.content ?? ''
  const requirements = findSection(sections, 'Requirements')
  if (!purpose) throw new Error('Spec must have a Purpose section')
  if (!requirements) throw new Error('Spec must have a Requirements section')
  return {name, overview: purpose.trim(), requirements: sectionRequirements(requirements), metadata: {version: '1.0.0', format: 'openspec'}}
}

/** The Why and What Changes of a proposal; throws openspec's messages when one is missing or empty. */
export function proposalSections(sections: readonly MarkdownSection[]): {why: string; whatChanges: string} {
  const why = findSection(sections, 'Why')?.content ?? ''
  const whatChanges = findSection(sections, 'What Changes')?.content ?? ''
  if (!why) throw new Error('Change must have a Why section')
  if (!whatChanges) throw new Error('Change must have a What Changes section')
  return {why, whatChanges}
}

/** Reads a proposal in the simple format, where deltas are `- **spec:** description` bullets. */
export function parseChangeContent(content: string, name: string): Change {
  const {why, whatChanges} = proposalSections(parseSections(content))
  return {name, why: why.trim(), whatChanges: whatChanges.trim(), deltas: parseSimpleDeltas(whatChanges), metadata: {version: '1.0.0', format: 'openspec-change'}}
}

/**
 * Deltas written as bullets in What Changes (`- **auth:** Add login`), with the operation guessed
 * from the wording the way openspec guesses it.
 */
export function parseSimpleDeltas(whatChanges: string): Delta[] {
  const deltas: Delta[] = []
  for (const line of whatChanges.split('\n')) {
    const m = /^\s*-\s*\*\*([^*:]+)(?::\*\*|\*\*:)\s*(.+)$/.exec(line)
    if (!m) continue
    const spec = (m[1] as string).trim()
    const description = (m[2] as string).trim()
    const lower = description.toLowerCase()
    let operation: DeltaOperation = 'MODIFIED'
    if (/\brename(s|d|ing)?\b/.test(lower) || /\brenamed\s+(to|from)\b/.test(lower)) operation = 'RENAMED'
    else if (/\badd(s|ed|ing)?\b/.test(lower) || /\bcreate(s|d|ing)?\b/.test(lower) || /\bnew\b/.test(lower)) operation = 'ADDED'
    else if (/\bremove(s|d|ing)?\b/.test(lower) || /\bdelete(s|d|ing)?\b/.test(lower)) operation = 'REMOVED'
    deltas.push({spec, operation, description})
  }
  return deltas
}
