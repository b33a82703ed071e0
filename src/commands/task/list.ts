import {RecordList} from '../../record-commands.js'

export default class TaskList extends RecordList {
  static override description = 'List tasks (archived ones with --archived), sorted by id.'
  static override examples = ['<%= config.bin %> <%= command.id %> --status todo --format csv']
  static override type = 'task'
}
