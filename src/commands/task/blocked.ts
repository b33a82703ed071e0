import {blockedTasks, DocumentStore} from '@psp/core'
import {atFlag, PspCommand, recordJson, renderRows} from '@psp/command'
import {resolveRef} from '../../record-flags.js'
import {planningInput, refJson, taskFilterFlags} from '../../planning-support.js'

export default class TaskBlocked extends PspCommand<typeof TaskBlocked> {
  static override description =
    'List the blocked tasks and the unfinished dependencies blocking each one (the same tasks as `psp query blocked`). See docs/planning.md.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --project 8sj --json']
  static override flags = {
    at: atFlag,
    project: taskFilterFlags.project,
  }

  public async run(): Promise<Record<string, unknown>[]> {
    const store = new DocumentStore(this.workspace())
    const project = this.flags.project === undefined ? undefined : resolveRef(store, this.flags.project, 'project')
    const {tasks, context} = planningInput(store)
    this.noteUnreadable(store)
    const blocked = blockedTasks(tasks, context, project === undefined ? {} : {project})
    if (!this.jsonEnabled()) {
      if (blocked.length === 0) this.note('No blocked tasks.')
      else {
        const rows = blocked.map(({record, blockers}) => ({
          id: record.id,
          status: record.data['status'],
          priority: record.data['priority'],
          'blocked by': blockers.map((b) => b.id),
          title: record.title,
        }))
        process.stdout.write(await renderRows(rows, 'table', ['id', 'status', 'priority', 'blocked by', 'title']))
      }
    }
    return blocked.map(({record, blockers}) => ({...recordJson(record), blocked_by: blockers.map(refJson)}))
  }
}
