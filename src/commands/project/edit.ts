import {RecordEdit} from '../../record-commands.js'

export default class ProjectEdit extends RecordEdit {
  static override description = 'Change fields of a project (only their lines are rewritten), or edit it in $EDITOR.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq --set status=on-hold --add tags=web']
  static override type = 'project'
}
