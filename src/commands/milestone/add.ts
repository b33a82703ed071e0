import {RecordAdd} from '../../record-commands.js'
import {addFlags} from '../../record-flags.js'

export default class MilestoneAdd extends RecordAdd {
  static override description = 'Add a milestone.'
  static override examples = ['<%= config.bin %> <%= command.id %> "Beta" --project 7kq --due 2027-02-01']
  static override flags = addFlags('milestone')
  static override type = 'milestone'
}
