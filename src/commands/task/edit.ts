import {RecordEdit} from '../../record-commands.js'

export default class TaskEdit extends RecordEdit {
  static override description = 'Change fields of a task (only their lines are rewritten), or edit it in $EDITOR.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq --set title="Write the docs" --add tags=docs']
  static override type = 'task'
}
