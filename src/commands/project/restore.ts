import {RecordRestore} from '../../record-commands.js'

export default class ProjectRestore extends RecordRestore {
  static override description = 'Bring an archived project back.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'project'
}
