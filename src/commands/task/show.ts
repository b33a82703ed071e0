import {RecordShow} from '../../record-show.js'

export default class TaskShow extends RecordShow {
  static override description = 'Show a task: its fields and body.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'task'
}
