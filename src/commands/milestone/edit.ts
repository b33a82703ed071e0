import {RecordEdit} from '../../record-commands.js'

export default class MilestoneEdit extends RecordEdit {
  static override description = 'Change fields of a milestone (only their lines are rewritten), or edit it in $EDITOR.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq --set title="Write the docs" --add tags=docs']
  static override type = 'milestone'
}
