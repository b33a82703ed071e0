import {RecordEdit} from '../../record-commands.js'

export default class ProjectEdit extends RecordEdit {
  static override description =
    'Change fields of a project (only their lines are rewritten), or edit it in $EDITOR; with --where, of every matching project.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq --set status=on-hold --add tags=web',
    "<%= config.bin %> <%= command.id %> --where 'status = planned and due < 2027-01-01' --set status=cancelled --dry-run",
  ]
  static override type = 'project'
}
