/**
 * Reading the inside of one requirement: its normative text, its scenarios, and whether it says
 * SHALL or MUST. Main specs and change deltas share these readers so that `validate <spec>`,
 * `validate <change>` and archive judge the same text the same way.
 */
import {buildCodeFenceMask} from './code-fence.js'

export {buildCodeFenceMask} from './code-fence.js'

/** `**ID**: …`-style metadata lines, which are not requirement text when real text exists. */
const METADATA_LINE = /^\*\*[^*]+\*\*:/
/** Any heading: a requirement's text stops at the first one. */
const ANY_HEADING = /^#{1,6}\s/
/**
 * A level-4 heading. Any one counts as a scenario heading, not only `#### Scenario:`, because the
 * main-spec reader treats every level-4 child of a requirement as a scenario.
 */
export const SCENARIO_HEADER = /^####\s+/
/** Headings of level 1 to 4 end a scenario's body; deeper ones belong to it. */
const SCENARIO_END = /^#{1,4}\s/

/** A scenario heading with nothing under it is not a scenario. */
export function hasScenarioBody(body: string): boolean {
  return body.trim().length > 0
}

/** True when the text holds SHALL or MUST as a whole word (upper case only, as RFC 2119 writes it). */
export function containsShallOrMust(text: string): boolean {
  return /\b(SHALL|MUST)\b/.test(text)
}

/**
 * The text of a requirement, from the lines after its heading: every non-blank, non-fenced line
 * up to the first heading, trimmed and joined by newlines. Metadata lines are dropped unless they
 * are all there is. Empty when the requirement has no text at all.
 */
export function extractRequirementBody(bodyLines: readonly string[]): string {
  const mask = buildCodeFenceMask(bodyLines)
  const text: string[] = []
  const metadata: string[] = []
  for (let i = 0; i < bodyLines.length; i++) {
    if (mask[i]) continue
    const line = bodyLines[i] as string
    if (ANY_HEADING.test(line)) break
    const trimmed = line.trim()
    if (trimmed === '') continue
    if (METADATA_LINE.test(trimmed)) metadata.push(trimmed)
    else text.push(trimmed)
  }
  return text.length > 0 ? text.join('\n') : metadata.join('\n')
}

/**
 * `extractRequirementBody` over `lines[from, to)` of a document whose fence mask is `fenced`,
 * without copying the lines: read as the trimmed text of that range would be (its last non-blank
 * line without trailing space and, with `trimStart`, its first without leading space — which
 * decides whether an indented `#` line still reads as a heading).
 */
export function requirementBodyInRange(lines: readonly string[], fenced: readonly boolean[], from: number, to: number, trimStart: boolean): string {
  let first = from
  if (trimStart) while (first < to && (lines[first] as string).trim() === '') first++
  let last = to - 1
  while (last >= first && (lines[last] as string).trim() === '') last--
  const text: string[] = []
  const metadata: string[] = []
  for (let i = first; i <= last; i++) {
    if (fenced[i]) continue
    let line = lines[i] as string
    if (i === first && trimStart) line = line.trimStart()
    if (i === last) line = line.trimEnd()
    if (ANY_HEADING.test(line)) break
    const trimmed = line.trim()
    if (trimmed === '') continue
    if (METADATA_LINE.test(trimmed)) metadata.push(trimmed)
    else text.push(trimmed)
  }
  return text.length > 0 ? text.join('\n') : metadata.join('\n')
}

/** The requirement text, falling back to the heading's title when the body has none (for display). */
export function extractRequirementText(headerTitle: string, bodyLines: readonly string[]): string {
  return extractRequirementBody(bodyLines) || headerTitle.trim()
}

/** Scenarios of a requirement block (lines after its heading) that have a body. */
export function countScenarios(bodyLines: readonly string[]): number {
  return scenarioBodies(bodyLines).filter(hasScenarioBody).length
}

/** Scenario headings of a requirement block that have nothing under them. */
export function countEmptyScenarios(bodyLines: readonly string[]): number {
  return scenarioBodies(bodyLines).filter((body) => !hasScenarioBody(body)).length
}

function scenarioBodies(bodyLines: readonly string[]): string[] {
  const mask = buildCodeFenceMask(bodyLines)
  const bodies: string[] = []
  for (let i = 0; i < bodyLines.length; i++) {
    if (mask[i] || !SCENARIO_HEADER.test(bodyLines[i] as string)) continue
    let end = i + 1
    while (end < bodyLines.length && (mask[end] || !SCENARIO_END.test(bodyLines[end] as string))) end++
    bodies.push(bodyLines.slice(i + 1, end).join('\n'))
  }
  return bodies
}
