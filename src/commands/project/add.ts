import {RecordAdd} from '../../record-commands.js'
import {addFlags} from '../../record-flags.js'

export default class ProjectAdd extends RecordAdd {
  static override description = 'Add a project.'
  static override examples = ['<%= config.bin %> <%= command.id %> "Website relaunch" --status active --due 2027-03-31']
  static override flags = addFlags('project')
  static override type = 'project'
}
