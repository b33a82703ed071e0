import {Args} from '@oclif/core'
import {DocumentStore, moveTask} from '@psp/core'
import {PspCommand} from '@psp/command'
import {idArg} from '../../record-flags.js'
import {moveJson, moveLine} from '../../workflow-output.js'

export default class TaskMove extends PspCommand<typeof TaskMove> {
  static override description = 'Move a task to another workflow status (only its status line is rewritten); warns or refuses at a WIP limit.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq in-progress']
  static override args = {
    id: idArg,
    status: Args.string({description: 'One of workflow.statuses in config/settings.yaml.', required: true}),
  }

  public async run(): Promise<Record<string, unknown>> {
    const result = await moveTask(new DocumentStore(this.workspace()), this.args.id as string, this.args.status as string)
    for (const warning of result.warnings) this.note(`Warning: ${warning}`)
    this.print(moveLine(result))
    return moveJson(result)
  }
}
