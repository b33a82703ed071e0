import {RecordAdd} from '../../record-commands.js'
import {addFlags} from '../../record-flags.js'

export default class ProjectAdd extends RecordAdd {
  static override description = 'Add a project.'
  static override examples = ['<%= config.bin %> <%= command.id %> "Write the docs"']
  static override flags = addFlags('project')
  static override type = 'project'
}
