import {RecordRestore} from '../../record-commands.js'

export default class TaskRestore extends RecordRestore {
  static override description = 'Bring an archived task back.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'task'
}
