import {RecordRm} from '../../record-commands.js'

export default class ProjectRm extends RecordRm {
  static override description = 'Archive a project (moved to data/archive/); --force deletes it.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'project'
}
