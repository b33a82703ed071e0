import {Args, Flags} from '@oclif/core'
import {parseTake, resolveFileConflict} from '@psp/core'
import {PspCommand} from '@psp/command'
import {resolveText} from '../conflicts-support.js'

export default class Resolve extends PspCommand<typeof Resolve> {
  static override description =
    'Settle one merge conflict of a record: take ours, theirs, or a value of your own (read as YAML, like --set). The file is checked like any edit and only the changed lines are rewritten (docs/sync.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7xz --take theirs',
    '<%= config.bin %> <%= command.id %> 7xz --field status --take ours',
    '<%= config.bin %> <%= command.id %> 7xz --field tags --take "[ui, backend]"',
    '<%= config.bin %> <%= command.id %> 7xz --field body --take theirs',
    '<%= config.bin %> <%= command.id %> data/projects/p/tasks/task-7xz.md --take ours',
  ]
  static override args = {
    id: Args.string({description: 'Id or unique prefix of the record; or a path (with a /) for a file the merge left unreadable.', required: true}),
  }
  static override flags = {
    field: Flags.string({description: 'The conflict to settle: a field of merge_conflicts, or body (all its marker blocks). Needed when there are several.', helpValue: '<field>'}),
    take: Flags.string({
      description: 'ours, theirs, or a value (YAML: done, 3, [a, b]); value:<v> for a value that reads "ours" or "theirs".',
      required: true,
      helpValue: 'ours|theirs|<value>',
    }),
  }

  public async run() {
    const ws = this.workspace()
    const report = await resolveFileConflict(ws, this.args.id, {field: this.flags.field, take: parseTake(this.flags.take), cwd: process.cwd()})
    this.print(resolveText(report))
    return report
  }
}
