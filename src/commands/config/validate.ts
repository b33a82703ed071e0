import {EXIT_PROBLEMS_FOUND, formatLocated, validateConfig} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class ConfigValidate extends PspCommand<typeof ConfigValidate> {
  static override description =
    'Check the whole configuration: your user settings file, config/settings.yaml, the PSP_* variables, .env and -c flags, then the settings together. Prints every problem with its file and line; exit 0 when clean, 1 when problems were found.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run() {
    const report = validateConfig(this.configContext())
    this.print(report.problems.map((p) => formatLocated(p, p.message)).join('\n'))
    const n = report.problems.length
    this.note(`${report.checked.join(', ')} checked: ${n === 0 ? 'no' : n} problem${n === 1 ? '' : 's'}`)
    if (n > 0) process.exitCode = EXIT_PROBLEMS_FOUND
    return {ok: n === 0, ...report}
  }
}
