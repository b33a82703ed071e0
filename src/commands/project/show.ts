import {RecordShow} from '../../record-commands.js'

export default class ProjectShow extends RecordShow {
  static override description = 'Show a project: its fields and body.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'project'
}
