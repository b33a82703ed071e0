import fs from 'node:fs'
import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {parseLimit, recordHistory} from '@psp/core'
import {PspCommand} from '@psp/command'
import {historyJson, historyText} from '../history-support.js'

export default class History extends PspCommand<typeof History> {
  static override description =
    'Every change to a record, newest first, from git: commit, author, date and what changed field by field (status: todo → in-progress, tags: +ui -backend), body changes as lines added and removed. Follows the record by id across renames and moves; finds deleted records too (docs/history.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq3',
    '<%= config.bin %> <%= command.id %> task-7kq3m9x2ab --patch --limit 5',
    '<%= config.bin %> <%= command.id %> data/tasks/task-7kq3m9x2ab-write-docs.md --json',
  ]
  static override args = {record: Args.string({description: 'The record: an id or unique prefix, or the path of its file.', required: true})}
  static override flags = {
    patch: Flags.boolean({description: 'Show the unified diff of each change (frontmatter and body).'}),
    limit: Flags.string({description: 'At most this many commits (an uncommitted change is shown in addition).', helpValue: '<n>'}),
  }

  public async run(): Promise<Record<string, unknown>> {
    const ws = this.workspace()
    const {flags} = this
    let query = this.args.record as string
    // A file's path is read from where the user stands, then made relative to the workspace.
    if ((query.endsWith('.md') || query.includes('/')) && fs.existsSync(query)) query = path.relative(ws.root, path.resolve(query)).split(path.sep).join('/')
    const history = recordHistory(ws, query, {
      ...(flags.patch ? {patch: true} : {}),
      ...(flags.limit === undefined ? {} : {limit: parseLimit(flags.limit)}),
    })
    if (!history.committed) this.note(`${history.id ?? history.path} has no committed history yet: it exists only in the working tree.`)
    this.print(historyText(history))
    return historyJson(history)
  }
}
