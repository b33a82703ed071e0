import {Flags} from '@oclif/core'
import {effectiveConfig, formatConfigValue, formatOrigin} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class ConfigList extends PspCommand<typeof ConfigList> {
  static override description =
    'Print every setting with its effective value, one `key=value` per line (the value as psp config set reads it); --show-origin adds where each comes from.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --show-origin', '<%= config.bin %> <%= command.id %> --json']
  static override flags = {'show-origin': Flags.boolean({description: 'Start each line with where the value comes from, then a tab.'})}

  public async run() {
    const {entries} = effectiveConfig(this.configContext())
    const origin = this.flags['show-origin']
    this.print(entries.map((e) => `${origin ? `${formatOrigin(e.origin)}\t` : ''}${e.key}=${formatConfigValue(e.value)}`).join('\n'))
    return entries
  }
}
