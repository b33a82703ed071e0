import {Args, Flags} from '@oclif/core'
import {describeOrigin, unsetConfig} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class ConfigUnset extends PspCommand<typeof ConfigUnset> {
  static override description =
    'Remove a setting from config/settings.yaml (or, with --user, from your user settings file), keeping everything else in the file; the next layer’s value (in the end the default) applies again.'
  static override examples = ['<%= config.bin %> <%= command.id %> workflow.wip', '<%= config.bin %> <%= command.id %> log.level --user']
  static override args = {key: Args.string({description: 'The setting, as a dotted key: workflow.wip, log.level.', required: true})}
  static override flags = {user: Flags.boolean({description: 'Change your user settings file instead of config/settings.yaml.'})}

  public async run() {
    const change = await unsetConfig(this.configContext(), this.args.key, {user: this.flags.user})
    this.print(change.changed ? `${change.file}: removed ${change.key}` : `${change.file}: ${change.key} is not set there (nothing changed)`)
    if (change.overriddenBy !== undefined && !this.jsonEnabled()) {
      this.note(`Warning: ${describeOrigin(change.overriddenBy)} still sets ${change.key}`)
    }
    return change
  }
}
