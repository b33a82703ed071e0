import {DocumentStore, doneTask} from '@psp/core'
import {PspCommand} from '@psp/command'
import {idArg} from '../../record-flags.js'
import {moveJson, moveLine} from '../../workflow-output.js'

export default class TaskDone extends PspCommand<typeof TaskDone> {
  static override description = 'Mark a task done: move it to the first of workflow.done (only its status line is rewritten).'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override args = {id: idArg}

  public async run(): Promise<Record<string, unknown>> {
    const result = await doneTask(new DocumentStore(this.workspace()), this.args.id as string)
    for (const warning of result.warnings) this.note(`Warning: ${warning}`)
    this.print(moveLine(result))
    return moveJson(result)
  }
}
