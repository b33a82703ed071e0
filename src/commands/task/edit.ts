import {RecordEdit} from '../../record-commands.js'

export default class TaskEdit extends RecordEdit {
  static override description =
    'Change fields of a task (only their lines are rewritten), or edit it in $EDITOR; with --where, of every matching task.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq --set title="Write the docs" --add tags=docs',
    "<%= config.bin %> <%= command.id %> --where 'status = review and assignee = ana' --set assignee=ben --yes",
  ]
  static override type = 'task'
}
