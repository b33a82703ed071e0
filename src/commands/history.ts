import {Args, Flags} from '@oclif/core'
import {PspCommand} from '@psp/command'
import {historyJson, historyText, loadHistory} from '../history-support.js'

export default class History extends PspCommand<typeof History> {
  static override description =
    'Every change to a record, newest first, from git: commit, author, date and what changed field by field (status: todo → in-progress, tags: +ui -backend), body changes as lines added and removed. Follows the record by id across renames and moves; finds deleted records too (docs/history.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq3',
    '<%= config.bin %> <%= command.id %> task-7kq3m9x2ab --patch --limit 5',
    '<%= config.bin %> <%= command.id %> data/tasks/task-7kq3m9x2ab-write-docs.md --json',
  ]
  static override args = {record: Args.string({description: 'The record: an id or unique prefix, or the path of its file.', required: true})}
  // src/fast-path/history.ts runs this command without oclif on a plain command line: a flag
  // added here must be read there too (test/e2e/history-fast-path.test.ts holds them together).
  static override flags = {
    patch: Flags.boolean({description: 'Show the unified diff of each change (frontmatter and body).'}),
    limit: Flags.string({description: 'At most this many commits (an uncommitted change is shown in addition).', helpValue: '<n>'}),
  }

  public async run(): Promise<Record<string, unknown>> {
    const {history, note} = loadHistory(this.workspace(), this.args.record as string, this.flags)
    if (note !== undefined) this.note(note)
    this.print(historyText(history))
    return historyJson(history)
  }
}
