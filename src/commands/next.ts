import {Flags} from '@oclif/core'
import {DocumentStore, parseLimit, rankNext, type RankedTask} from '@psp/core'
import {atFlag, PspCommand, recordJson, renderRows, visible} from '@psp/command'
import {resolveRef} from '../record-flags.js'
import {planningInput, taskFilterFlags} from '../planning-support.js'

const points = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, ''))

/** `--explain` lines: one per task, its score as the sum of its parts. */
function explainText(ranked: RankedTask[]): string {
  return ranked
    .map((t) => `${t.record.id}  ${points(t.score)} = ${t.explain.map((e) => `${e.factor} ${points(e.points)} (${visible(e.detail)})`).join(' + ')}`)
    .join('\n')
}

export default class Next extends PspCommand<typeof Next> {
  static override description =
    'The ready tasks to work on next, best first: ranked by priority, due date, how many tasks each one unblocks, and age. --explain shows the score of each factor (docs/planning.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --project 8sj --assignee ana --limit 3 --explain',
  ]
  static override flags = {
    at: atFlag,
    project: taskFilterFlags.project,
    assignee: taskFilterFlags.assignee,
    limit: Flags.string({description: 'At most this many tasks (default 10).', helpValue: '<n>'}),
    explain: Flags.boolean({description: 'Show how each score is made up.'}),
  }

  public async run(): Promise<Record<string, unknown>[]> {
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const project = flags.project === undefined ? undefined : resolveRef(store, flags.project, 'project')
    const {tasks, context} = planningInput(store)
    this.noteUnreadable(store)
    const ranked = rankNext(tasks, context, {
      ...(project === undefined ? {} : {project}),
      ...(flags.assignee === undefined ? {} : {assignee: flags.assignee}),
      limit: flags.limit === undefined ? 10 : parseLimit(flags.limit),
    })
    if (!this.jsonEnabled()) {
      if (ranked.length === 0) this.note('No ready tasks.')
      else {
        const rows = ranked.map((t) => ({
          id: t.record.id,
          score: points(t.score),
          priority: t.record.data['priority'],
          due: t.record.data['due'],
          unblocks: t.unblocks,
          title: t.record.title,
        }))
        process.stdout.write(await renderRows(rows, 'table', ['id', 'score', 'priority', 'due', 'unblocks', 'title']))
        if (flags.explain) process.stdout.write(`\n${explainText(ranked)}\n`)
      }
    }
    return ranked.map((t) => ({...recordJson(t.record), score: t.score, unblocks: t.unblocks, explain: t.explain}))
  }
}
