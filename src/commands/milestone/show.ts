import {RecordShowWithRollUp} from '../../record-commands.js'

export default class MilestoneShow extends RecordShowWithRollUp {
  static override description = 'Show a milestone: its fields, body, and a roll-up of its tasks (done/total, remaining estimate, blocked count, due-date risk; docs/planning.md).'
  static override examples = ['<%= config.bin %> <%= command.id %> 7kq']
  static override type = 'milestone'
}
