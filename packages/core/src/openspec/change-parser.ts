/**
 * A change as `show --json` reports it: the proposal's Why and What Changes, and one delta per
 * requirement of the change's delta specs — read by the same delta reader archive applies, so
 * what `show` reports is what archive will do.
 */
import path from 'node:path'
import {discoverSpecFiles} from './discovery.js'
import {parseSectionLines, parseSections, parseSimpleDeltas, proposalSections, sectionRequirements, type Change, type Delta, type MarkdownSection, type Requirement} from './markdown.js'
import {parseDeltaSpec, type DeltaPlan, type RequirementBlock} from './requirement-blocks.js'
import {readFileText} from './path-memo.js'

/**
 * Reads a proposal and the delta specs of its change folder. The delta specs are the source of the
 * deltas whenever one of them has a delta section; otherwise the simple `- **spec:** …` bullets of
 * What Changes are. Throws openspec's messages when Why or What Changes is missing.
 */
export function parseChangeWithDeltas(content: string, changeDir: string, name: string): Change {
  const {why, whatChanges} = proposalSections(parseSections(content))
  let hasDeltaSections = false
  const fromSpecs: Delta[] = []
  for (const {id, specFile} of discoverSpecFiles(path.join(changeDir, 'specs'))) {
    let plan: DeltaPlan
    try {
      plan = parseDeltaSpec(readFileText(specFile))
    } catch {
      continue
    }
    if (Object.values(plan.sectionPresence).some(Boolean)) hasDeltaSections = true
    fromSpecs.push(...deltasOfPlan(id, plan))
  }
  return {
    name,
    why: why.trim(),
    whatChanges: whatChanges.trim(),
    deltas: hasDeltaSections ? fromSpecs : parseSimpleDeltas(whatChanges),
    metadata: {version: '1.0.0', format: 'openspec-change'},
  }
}

/** The deltas of one delta spec: ADDED, MODIFIED, REMOVED, then RENAMED, each in document order. */
export function deltasOfPlan(spec: string, plan: DeltaPlan): Delta[] {
  const deltas: Delta[] = []
  const push = (operation: 'ADDED' | 'MODIFIED' | 'REMOVED', verb: string, blocks: RequirementBlock[]) => {
    for (const requirement of blocksToRequirements(blocks)) {
      deltas.push({spec, operation, description: `${verb} requirement: ${requirement.text}`, requirement, requirements: [requirement]})
    }
  }
  push('ADDED', 'Add', plan.added)
  push('MODIFIED', 'Modify', plan.modified)
  // A bullet-form REMOVED entry has only a name: it reads as a heading with no body.
  const removedBlocks = [...plan.removedBlocks]
  const removed = plan.removed.map((name) => {
    const index = removedBlocks.findIndex((b) => b.name === name)
    if (index === -1) {
      const headerLine = `### Requirement: ${name}`
      return {headerLine, name, raw: headerLine}
    }
    return removedBlocks.splice(index, 1)[0] as RequirementBlock
  })
  push('REMOVED', 'Remove', removed)
  for (const rename of plan.renamed) {
    deltas.push({spec, operation: 'RENAMED', description: `Rename requirement from "${rename.from}" to "${rename.to}"`, rename})
  }
  return deltas
}

/**
 * One Requirement per block, read by the section reader. The block's heading is rewritten to
 * `### <title>` first, because the delta reader also accepts `###Requirement:` (no space), which
 * the section reader would not see as a heading. A block whose heading names nothing is dropped.
 */
function blocksToRequirements(blocks: RequirementBlock[]): Requirement[] {
  const out: Requirement[] = []
  for (const block of blocks) {
    const [headerLine = '', ...body] = block.raw.split('\n')
    const title = headerLine.replace(/^###\s*/, '').trim()
    const [section] = parseSectionLines([`### ${title}`, ...body].join('\n').split('\n')) as [MarkdownSection | undefined]
    if (!section || !/^Requirement:\s*\S/i.test(section.title.trim())) continue
    out.push(...sectionRequirements({level: 2, title: '', content: '', children: [section]}))
  }
  return out
}
