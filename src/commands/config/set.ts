import {Args, Flags} from '@oclif/core'
import {describeOrigin, formatConfigValue, setConfig} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class ConfigSet extends PspCommand<typeof ConfigSet> {
  static override description =
    'Set a setting in config/settings.yaml (or, with --user, in your user settings file), keeping the file’s comments, order and style. The value is read as YAML: 3, true, [todo, doing, done], {doing: 3}; text as typed. Nothing is written unless the whole configuration stays valid.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> workflow.statuses "[todo, doing, done]"',
    '<%= config.bin %> <%= command.id %> workflow.wip "{doing: 3}"',
    '<%= config.bin %> <%= command.id %> log.level debug --user',
  ]
  static override args = {
    key: Args.string({description: 'The setting, as a dotted key: workflow.statuses, log.level.', required: true}),
    value: Args.string({description: 'The new value (YAML: [a, b], {doing: 3}, 12, true; text as typed). Words after it are joined with spaces.', required: true}),
  }
  static override flags = {user: Flags.boolean({description: 'Write your user settings file (defaults for every workspace) instead of config/settings.yaml.'})}
  static override strict = false

  public async run() {
    const value = this.positionals.slice(1).join(' ')
    const change = await setConfig(this.configContext(), this.args.key, value, {user: this.flags.user})
    const shown = formatConfigValue(change.value)
    this.print(change.changed ? `${change.file}: ${change.key} = ${shown}` : `${change.file}: ${change.key} is already ${shown} (nothing changed)`)
    if (change.overriddenBy !== undefined && !this.jsonEnabled()) {
      this.note(`Warning: ${describeOrigin(change.overriddenBy)} sets ${change.key} too, and wins (psp config get ${change.key} --show-origin)`)
    }
    return change
  }
}
