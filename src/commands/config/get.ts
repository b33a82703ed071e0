import {Args, Flags} from '@oclif/core'
import {configEntry, formatConfigValue, formatOrigin} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class ConfigGet extends PspCommand<typeof ConfigGet> {
  static override description =
    'Print the effective value of a setting: from -c flags, PSP_* variables (or .env), config/settings.yaml, your user settings file or the defaults, whichever comes first (docs/configuration.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> workflow.statuses',
    '<%= config.bin %> <%= command.id %> log.level --show-origin',
    '<%= config.bin %> <%= command.id %> workflow.wip --json',
  ]
  static override args = {key: Args.string({description: 'The setting, as a dotted key: workflow.statuses, log.level, ids.prefixes.', required: true})}
  static override flags = {'show-origin': Flags.boolean({description: 'Print where the value comes from first: default, user:<file>:<line>, workspace:<file>:<line>, env:<variable>, flag:<flag>.'})}

  public async run() {
    const entry = configEntry(this.configContext(), this.args.key)
    const value = formatConfigValue(entry.value)
    this.print(this.flags['show-origin'] ? `${formatOrigin(entry.origin)}\t${value}` : value)
    return entry
  }
}
