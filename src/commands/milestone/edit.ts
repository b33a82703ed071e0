import {RecordEdit} from '../../record-commands.js'

export default class MilestoneEdit extends RecordEdit {
  static override description =
    'Change fields of a milestone (only their lines are rewritten), or edit it in $EDITOR; with --where, of every matching milestone.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq --set due=2027-03-01',
    "<%= config.bin %> <%= command.id %> --where 'project = proj-z6b8kb7ssv and status = open' --add tags=spring",
  ]
  static override type = 'milestone'
}
