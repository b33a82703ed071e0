import {Flags} from '@oclif/core'
import {criticalPath, DocumentStore} from '@psp/core'
import {atFlag, PspCommand, renderRows} from '@psp/command'
import {resolveRef} from '../../record-flags.js'
import {planningInput} from '../../planning-support.js'

const hours = (n: number) => String(Math.round(n * 100) / 100)

export default class PlanCriticalPath extends PspCommand<typeof PlanCriticalPath> {
  static override description =
    'The critical path of the open tasks (of a project or a milestone) from their estimates in hours, with every task\'s earliest start and finish and its slack (docs/planning.md).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --project 8sj', '<%= config.bin %> <%= command.id %> --milestone m29 --json']
  static override flags = {
    at: atFlag,
    project: Flags.string({description: 'Only tasks of this project (id or prefix).', helpValue: '<project>', exclusive: ['milestone']}),
    milestone: Flags.string({description: 'Only tasks of this milestone (id or prefix).', helpValue: '<milestone>', exclusive: ['project']}),
  }

  public async run(): Promise<Record<string, unknown>> {
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const project = flags.project === undefined ? undefined : resolveRef(store, flags.project, 'project')
    const milestone = flags.milestone === undefined ? undefined : resolveRef(store, flags.milestone, 'milestone')
    const {tasks, context} = planningInput(store)
    this.noteUnreadable(store)
    const result = criticalPath(tasks, context, {...(project === undefined ? {} : {project}), ...(milestone === undefined ? {} : {milestone})})
    if (!this.jsonEnabled()) {
      if (result.tasks.length === 0) this.note('No open tasks.')
      else {
        const rows = result.tasks.map((t) => ({
          id: t.record.id,
          estimate: t.estimateMissing ? '-' : hours(t.estimate),
          start: hours(t.earliestStart),
          finish: hours(t.earliestFinish),
          slack: hours(t.slack),
          critical: t.critical ? '*' : '',
          title: t.record.title,
        }))
        process.stdout.write(await renderRows(rows, 'table', ['id', 'estimate', 'start', 'finish', 'slack', 'critical', 'title']))
        process.stdout.write(`\nCritical path (${hours(result.duration)} h): ${result.path.map((r) => r.id).join(' → ')}\n`)
      }
      if (result.missingEstimates.length > 0) {
        this.note(`Warning: no estimate, counted as 0 h: ${result.missingEstimates.map((r) => r.id).join(', ')}`)
      }
    }
    return {
      duration: result.duration,
      path: result.path.map((r) => r.id),
      tasks: result.tasks.map((t) => ({
        id: t.record.id,
        title: t.record.title,
        status: t.record.data['status'] ?? null,
        estimate: t.estimateMissing ? null : t.estimate,
        earliest_start: t.earliestStart,
        earliest_finish: t.earliestFinish,
        latest_start: t.latestStart,
        latest_finish: t.latestFinish,
        slack: t.slack,
        critical: t.critical,
      })),
      missing_estimates: result.missingEstimates.map((r) => r.id),
    }
  }
}
