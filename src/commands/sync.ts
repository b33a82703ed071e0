import {Flags} from '@oclif/core'
import {EXIT_SYNC_CONFLICTS, mergedFromRemote, syncWorkspace, type SyncConflict, type SyncProgress, type SyncReport} from '@psp/core/sync'
import {PspCommand} from '@psp/command'

const short = (oid: string | null | undefined) => (oid == null ? '' : oid.slice(0, 8))
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const name = (r: {id?: string; title?: string; path?: string}) => (r.id === undefined ? (r.path ?? '?') : r.title === undefined ? r.id : `${r.id}  ${r.title}`)

function value(v: unknown): string {
  return v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v)
}

function conflictLine(c: SyncConflict, theirs: string): string {
  const what: string[] = []
  for (const f of c.fields) what.push(`${f.field}: local ${value(f.ours)}, ${theirs} ${value(f.theirs)}`)
  if (c.blocks > 0) what.push(`${plural(c.blocks, 'conflict block')} (<<<<<<< … >>>>>>>)`)
  if (c.deleted !== undefined) what.push(c.deleted === 'ours' ? `deleted here, changed on ${theirs}: their version kept` : `deleted on ${theirs}, changed here: kept`)
  if (c.displacedFrom !== undefined) what.push(`written here because ${c.displacedFrom} was taken`)
  if (c.binary) what.push(`changed on both sides and not mergeable as text: the local version kept`)
  return `  ${c.path}${c.id === undefined ? '' : `  ${c.id}`}  ${what.join('; ')}`
}

/** The report as text, for a person. */
export function syncText(r: SyncReport): string {
  const would = r.dryRun ? 'Would ' : ''
  const source = `${r.remote}/${r.branch}`
  const out: string[] = []
  if (r.continued && r.merge !== null) out.push(`Concluded the merge of ${source} (${short(r.merge.commit)})`)
  if (r.committed !== null) {
    out.push(`${r.dryRun ? 'Would commit' : 'Committed'} ${plural(r.committed.records.length, 'record')}${r.committed.commit === null ? '' : ` (${short(r.committed.commit)})`}`)
    for (const c of r.committed.records) out.push(`  ${name(c)}  ${c.change === 'moved' ? `moved from ${c.from}` : c.change}`)
  }
  if (r.otherChanges.length > 0) {
    const shown = r.otherChanges.slice(0, 10).map((o) => `${o.path} (${o.status})`)
    out.push(`Left alone (not psp documents; commit them with git if they belong): ${shown.join(', ')}${r.otherChanges.length > 10 ? `, … (${r.otherChanges.length} in all)` : ''}`)
  }
  if (r.fetched.count > 0) out.push(`Fetched ${plural(r.fetched.count, 'commit')} from ${source}`)
  if (r.fastForward !== null) {
    const f = r.fastForward
    out.push(`${would}${r.dryRun ? 'fast-forward' : 'Fast-forwarded'} to ${source} (${short(f.to)}): ${plural(f.records.length, 'record')}${f.files.length > 0 ? `, ${plural(f.files.length, 'other file')}` : ''}`)
    for (const c of f.records) out.push(`  ${name(c)}  ${c.change === 'moved' ? `moved from ${c.from}` : c.change}`)
  }
  if (r.merge !== null && !r.continued) {
    const m = r.merge
    const incoming = m.records.filter(mergedFromRemote)
    const head = r.dryRun ? `Would merge ${source}` : m.commit === null ? `Merged ${source} (not committed: conflicts)` : `Merged ${source} (${short(m.commit)})`
    out.push(`${head}: ${plural(incoming.length, 'record')}${m.files.length > 0 ? `, ${plural(m.files.length, 'other file')}` : ''}`)
    for (const x of incoming) out.push(`  ${name(x)}  ${x.outcome}${x.conflict ? ', conflict' : ''}`)
  }
  for (const note of r.notes) out.push(`Note: ${note}`)
  if (r.conflicts.length > 0) {
    out.push(
      r.dryRun
        ? `Would stop on conflicts in ${plural(r.conflicts.length, 'file')}:`
        : `Stopped on conflicts in ${plural(r.conflicts.length, 'file')}: settle them (remove each merge_conflicts entry and <<<<<<< block), then run psp sync --continue`,
    )
    for (const c of r.conflicts) out.push(conflictLine(c, source))
    return `${out.join('\n')}\n`
  }
  if (r.pushed) out.push(`Pushed ${r.localBranch ?? 'HEAD'} to ${source} (${short(r.head)})`)
  else if (r.wouldPush) out.push(`Would push ${r.localBranch ?? 'HEAD'} to ${source}`)
  if (r.status === 'up-to-date') out.push(`Already up to date with ${source}`)
  else if (r.dryRun && r.integration === 'up-to-date' && r.committed === null) out.push(`Already up to date with ${source}`)
  if (r.dryRun) out.push('Dry run: no commit, no file, no push (only the fetch ran).')
  return `${out.join('\n')}\n`
}

/** One progress line on a terminal, rewritten in place. */
function progressPrinter(): ((p: SyncProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined
  const labels: Record<SyncProgress['phase'], string> = {
    status: 'Looking for changes',
    commit: 'Committing',
    fetch: 'Fetching',
    merge: 'Merging',
    write: 'Writing files',
    push: 'Pushing',
  }
  let last = ''
  let lastAt = 0
  return (p) => {
    const count = p.total ? ` ${p.loaded ?? 0}/${p.total}` : p.loaded ? ` ${p.loaded}` : ''
    const line = `${labels[p.phase]}${p.detail ? `: ${p.detail}` : ''}${count}`
    const now = Date.now()
    if (line === last || (now - lastAt < 80 && p.loaded !== p.total)) return
    last = line
    lastAt = now
    process.stderr.write(`\r\u001b[2K${line}`)
  }
}

export default class Sync extends PspCommand<typeof Sync> {
  static override description =
    "Sync with the remote: commit psp's own changes (documents only), fetch, merge field by field (records matched by id), push; retry when the remote moved. Conflicts stop it (exit 11) until `psp sync --continue`. HTTPS remotes only; no git binary needed (docs/sync.md)."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --remote upstream --branch main',
    '<%= config.bin %> <%= command.id %> --continue',
    'PSP_GIT_TOKEN=ghp_… <%= config.bin %> <%= command.id %> --json',
  ]
  static override flags = {
    remote: Flags.string({description: "Remote to sync with (default: the branch's configured remote, else origin).", helpValue: '<name>'}),
    branch: Flags.string({description: "Remote branch (default: the branch's upstream, else the current branch's name); needed with a detached HEAD.", helpValue: '<name>'}),
    'dry-run': Flags.boolean({description: 'Fetch and report what would be committed, merged and pushed; change nothing else.', exclusive: ['continue']}),
    continue: Flags.boolean({description: 'Conclude a sync that stopped on conflicts, once they are settled, then go on.', exclusive: ['dry-run']}),
  }

  public async run(): Promise<SyncReport> {
    const ws = this.workspace()
    const show = this.jsonEnabled() ? undefined : progressPrinter()
    let report: SyncReport
    try {
      report = await syncWorkspace(ws, {
        ...(this.flags.remote === undefined ? {} : {remote: this.flags.remote}),
        ...(this.flags.branch === undefined ? {} : {branch: this.flags.branch}),
        dryRun: this.flags['dry-run'],
        continue: this.flags.continue,
        interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        ...(show === undefined ? {} : {onProgress: show}),
      })
    } finally {
      if (show !== undefined) process.stderr.write('\r\u001b[2K')
    }
    this.print(syncText(report))
    if (report.status === 'conflicts') process.exitCode = EXIT_SYNC_CONFLICTS
    return report
  }
}
