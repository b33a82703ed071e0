import {Args, Flags} from '@oclif/core'
import {archiveChange, archiveDiagnosticOf, formatTaskStatus, resolveOpenSpecRoot, rootOutput, type ArchiveResult, type OpenSpecRoot} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'
import {setJsonFailureExit} from '../../openspec-support.js'

/** What `--json` prints: openspec's `archive --json` payload, on success and on refusal alike. */
type ArchivePayload =
  | {archive: Pick<ArchiveResult, 'change' | 'archivedAs' | 'path' | 'specsUpdated' | 'totals' | 'warnings'>; root: ReturnType<typeof rootOutput>}
  | {archive: null; root?: ReturnType<typeof rootOutput>; status: unknown[]}

/** The report for a person, in the order openspec prints its steps. */
function report(r: ArchiveResult): string {
  const out = [`Task status: ${formatTaskStatus(r.tasks)}`]
  const incomplete = r.tasks.total - r.tasks.completed
  if (incomplete > 0) out.push(`Warning: ${incomplete} incomplete task(s) found. Continuing due to --yes flag.`)
  if (r.skippedSpecs) out.push('Skipping spec updates (--skip-specs flag provided).')
  else if (r.specs.length > 0) {
    out.push('', 'Specs to update:', ...r.specs.map((s) => `  ${s.id}: ${s.status}`))
    for (const s of r.specs) {
      if (s.outcome === 'retired') out.push(`Retiring ${s.path}: all requirements removed.`)
      if (s.outcome !== 'written') continue
      out.push(`Applying changes to ${s.path}:`)
      if (s.counts.added) out.push(`  + ${s.counts.added} added`)
      if (s.counts.modified) out.push(`  ~ ${s.counts.modified} modified`)
      if (s.counts.removed) out.push(`  - ${s.counts.removed} removed`)
      if (s.counts.renamed) out.push(`  → ${s.counts.renamed} renamed`)
    }
    const t = r.totals ?? {added: 0, modified: 0, removed: 0, renamed: 0}
    out.push(`Totals: + ${t.added}, ~ ${t.modified}, - ${t.removed}, → ${t.renamed}`)
    out.push(r.specsUpdated ? 'Specs updated successfully.' : 'Specs already in sync; no files changed.')
  }
  out.push(`Change '${r.change}' archived as '${r.archivedAs}'.`)
  return `${out.join('\n')}\n`
}

export default class OpenSpecArchive extends StandaloneCommand<typeof OpenSpecArchive> {
  static override description =
    "Archive a finished change as openspec does: validate its deltas, apply them to the main specs (or retire a capability whose last requirement went, when the change declares retire_capabilities), then move it to openspec/changes/archive/YYYY-MM-DD-<change>. Refusals change nothing. Works in any folder with an openspec/ folder at or above it; never prompts, so confirmations need --yes. --json prints openspec's own payload."
  static override examples = [
    '<%= config.bin %> <%= command.id %> add-login --yes',
    '<%= config.bin %> <%= command.id %> add-login --yes --json',
    '<%= config.bin %> <%= command.id %> update-ci --yes --skip-specs',
  ]
  static override args = {change: Args.string({description: 'The change to archive (its folder name under openspec/changes/).'})}
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Confirm what openspec would ask about: incomplete tasks, spec updates, skipped validation.'}),
    'skip-specs': Flags.boolean({description: 'Archive without updating the main specs (for tooling or documentation changes).'}),
    validate: Flags.boolean({description: 'Validate the change and every rebuilt spec first (--no-validate skips it; needs --yes).', default: true, allowNo: true}),
  }

  public async run(): Promise<ArchiveResult | ArchivePayload> {
    const json = this.jsonEnabled()
    let root: OpenSpecRoot | undefined
    try {
      root = resolveOpenSpecRoot()
      const result = archiveChange(root, this.args.change, {
        yes: this.flags.yes,
        skipSpecs: this.flags['skip-specs'],
        noValidate: !this.flags.validate,
        json,
        rerunPrefix: json ? 'openspec' : 'psp openspec',
      })
      if (json) {
        const {change, archivedAs, path, specsUpdated, totals, warnings} = result
        return {archive: {change, archivedAs, path, specsUpdated, ...(totals ? {totals} : {}), ...(warnings ? {warnings} : {})}, root: rootOutput(root)}
      }
      for (const warning of result.proposalWarnings ?? []) this.note(`Warning: proposal.md: ${warning}`)
      if (!result.validated) this.note('Warning: Skipping validation may archive invalid specs.')
      for (const s of result.specs) if (s.external) this.note(`Warning: Capability '${s.id.split('/').pop()}' links outside the project; writing to ${s.external}`)
      for (const warning of result.warnings ?? []) this.note(`Warning: ${warning}`)
      this.print(report(result))
      return result
    } catch (error) {
      if (!json) {
        const details = (error as {data?: {details?: string[]}}).data?.details ?? []
        for (const line of details) this.note(line)
        throw error
      }
      setJsonFailureExit(error)
      return {archive: null, ...(root ? {root: rootOutput(root)} : {}), status: [archiveDiagnosticOf(error)]}
    }
  }
}
