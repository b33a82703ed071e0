import {RecordAdd} from '../../record-commands.js'
import {addFlags} from '../../record-flags.js'

export default class TaskAdd extends RecordAdd {
  static override description = 'Add a task.'
  static override examples = ['<%= config.bin %> <%= command.id %> "Write the docs"']
  static override flags = addFlags('task')
  static override type = 'task'
}
