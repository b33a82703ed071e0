import {RecordList} from '../../record-commands.js'

export default class MilestoneList extends RecordList {
  static override description = 'List milestones (archived ones with --archived), sorted by id.'
  static override examples = ['<%= config.bin %> <%= command.id %> --project 7kq --format md']
  static override type = 'milestone'
}
