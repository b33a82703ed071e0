import {Args, Flags} from '@oclif/core'
import {DocumentStore} from '@psp/core/records'
import {linkChange, type LinkEntry, type LinkResult} from '@psp/core/openspec'
import {PspCommand} from '@psp/command'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** One line per thing link did, then the progress of both sides. */
export function linkText(r: LinkResult): string {
  const would = (done: string, todo: string) => (r.dryRun ? todo : done)
  const task = (e: LinkEntry) => (e.id === undefined ? '' : `${e.id}  `)
  const out: string[] = []
  for (const e of r.created) out.push(`${would('Created', 'Would create')} ${task(e)}${e.key === e.title ? '' : `${e.key}  `}${e.title}`)
  for (const e of r.markedDone) out.push(`${would('Marked done', 'Would mark done')} ${task(e)}${e.key}: its box is ticked`)
  for (const e of r.ticked) out.push(`${would('Ticked', 'Would tick')} ${e.key} (line ${e.line}): ${e.id} is done`)
  for (const e of r.orphaned) out.push(`Not in tasks.md any more: ${task(e)}${e.key}  ${e.title}`)
  for (const s of r.skipped) out.push(`Skipped line ${s.line}: ${s.reason}`)
  if (out.length === 0) out.push(`${r.change}: in step, nothing to do`)
  const {psp, checkboxes} = r.progress
  out.push(`Progress: psp ${psp.done}/${plural(psp.total, 'task')} done, ${r.tasksFile} ${checkboxes.done}/${checkboxes.total} checked${r.dryRun ? ' (dry run: nothing changed)' : ''}`)
  return out.join('\n')
}

export default class OpenSpecLink extends PspCommand<typeof OpenSpecLink> {
  static override description =
    "Turn the open items of a change's tasks.md into psp tasks tied to the change, and bring both sides in step: a done task ticks its box, a ticked box marks its task done (docs/openspec.md)."
  static override examples = [
    '<%= config.bin %> <%= command.id %> add-user-auth',
    '<%= config.bin %> <%= command.id %> add-user-auth --project web --dry-run',
    "<%= config.bin %> task list --where 'openspec_change = add-user-auth'",
  ]
  static override args = {
    change: Args.string({description: 'The change: a folder under openspec/changes/.', required: true}),
  }
  static override flags = {
    project: Flags.string({description: 'The project new tasks belong to (id or prefix); default: the project of the tasks already linked.', helpValue: '<project>'}),
    'dry-run': Flags.boolean({description: 'Show what would change; write nothing.'}),
  }

  public async run(): Promise<LinkResult> {
    const store = new DocumentStore(this.workspace())
    const result = await linkChange(store, this.args.change as string, {project: this.flags.project, dryRun: this.flags['dry-run']})
    for (const warning of result.warnings) this.note(`Warning: ${warning}`)
    this.print(linkText(result))
    return result
  }
}
