import {RecordRestore} from '../../record-commands.js'

export default class MilestoneRestore extends RecordRestore {
  static override description = 'Bring an archived milestone back.'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'milestone'
}
