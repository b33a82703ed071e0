import {RecordRm} from '../../record-commands.js'

export default class TaskRm extends RecordRm {
  static override description = 'Archive a task (moved to data/archive/); --force deletes it.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'task'
}
