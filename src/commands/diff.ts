import {Args, Flags} from '@oclif/core'
import {diffRecords, DocumentStore, openRevisionTree, Workspace} from '@psp/core'
import {PspCommand} from '@psp/command'
import {diffJson, diffMarkdown, diffSummary, diffText, type DiffSide} from '../diff-support.js'

export default class Diff extends PspCommand<typeof Diff> {
  static override description =
    'Which records were added, removed or changed between two revisions (or a revision and the working tree), field by field. Revisions are commits, branches, tags, HEAD~n or dates (docs/history.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> sprint-12',
    '<%= config.bin %> <%= command.id %> 2026-03-01 HEAD --type task',
    '<%= config.bin %> <%= command.id %> v1.0 v1.1 --format md > CHANGES.md',
  ]
  static override args = {
    from: Args.string({description: 'The revision to compare from.', required: true}),
    to: Args.string({description: 'The revision to compare to (default: the working tree).'}),
  }
  static override flags = {
    type: Flags.string({description: 'Only records of this type; repeatable.', multiple: true, multipleNonGreedy: true, helpValue: '<type>'}),
    format: Flags.option({description: 'Output format (json is the same as --json).', options: ['text', 'md', 'json'] as const, default: 'text' as const})(),
  }

  public async run() {
    const current = this.workspace()
    const {from, to} = this.args
    const read = (spec: string | undefined): {store: DocumentStore; side: DiffSide} => {
      if (spec === undefined) return {store: new DocumentStore(current), side: {revision: null, commit: null}}
      const tree = openRevisionTree(current.root, spec)
      return {store: new DocumentStore(Workspace.atRevision(current.root, tree)), side: {revision: spec, commit: tree.commit}}
    }
    const before = read(from)
    const after = read(to)
    const types = this.flags.type === undefined || this.flags.type.length === 0 ? undefined : new Set(this.flags.type.map((t) => current.schemas.get(t).name))
    const pick = (store: DocumentStore) => store.load().records.filter((r) => types === undefined || types.has(r.type))
    const records = diffRecords(pick(before.store), pick(after.store))
    this.noteUnreadable(before.store)
    this.noteUnreadable(after.store)
    const json = diffJson(before.side, after.side, records)
    if (!this.jsonEnabled()) {
      if (this.flags.format === 'json') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
      else if (this.flags.format === 'md') process.stdout.write(diffMarkdown(before.side, after.side, records))
      else {
        this.note(diffSummary(before.side, after.side, records))
        process.stdout.write(diffText(records))
      }
    }
    return json
  }
}
