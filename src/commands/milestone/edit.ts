import {RecordEdit} from '../../record-commands.js'

export default class MilestoneEdit extends RecordEdit {
  static override description = 'Change fields of a milestone (only their lines are rewritten), or edit it in $EDITOR.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq --set due=2027-03-01']
  static override type = 'milestone'
}
