import {RecordShow} from '../../record-commands.js'

export default class MilestoneShow extends RecordShow {
  static override description = 'Show a milestone: its fields and body.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'milestone'
}
