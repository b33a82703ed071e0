import {RecordRm} from '../../record-commands.js'

export default class MilestoneRm extends RecordRm {
  static override description = 'Archive a milestone (moved to data/archive/); --force deletes it.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'milestone'
}
