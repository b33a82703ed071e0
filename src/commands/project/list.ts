import {RecordList} from '../../record-commands.js'

export default class ProjectList extends RecordList {
  static override description = 'List projects (archived ones with --archived), sorted by id.'
  static override examples = ['<%= config.bin %> <%= command.id %> --status active --format csv']
  static override type = 'project'
}
