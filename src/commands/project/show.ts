import {DocumentStore, rollUp} from '@psp/core'
import {recordJson, renderRecord} from '@psp/command'
import {RecordShow} from '../../record-commands.js'
import {planningInput} from '../../planning-support.js'
import {rollUpJson, rollUpText} from '../../rollup-support.js'

export default class ProjectShow extends RecordShow {
  static override description = 'Show a project: its fields, body, and a roll-up of its tasks (done/total, remaining estimate, blocked count, due-date risk; docs/planning.md).'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'project'

  public override async run(): Promise<Record<string, unknown>> {
    const store = new DocumentStore(this.workspace())
    const record = store.get(this.args.id as string, 'project')
    const {tasks, context} = planningInput(store)
    const rollup = rollUp(tasks, context, {project: record.id, due: record.data['due']})
    this.print(renderRecord(record) + rollUpText(rollup))
    return {...recordJson(record, {body: true}), rollup: rollUpJson(rollup)}
  }
}
