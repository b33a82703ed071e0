import {Args} from '@oclif/core'
import {EXIT_PROBLEMS_FOUND, expandPaths, formatProblem, validateWorkspace} from '@psp/core'
import {atFlag, PspCommand} from '@psp/command'

export default class Validate extends PspCommand<typeof Validate> {
  static override description =
    'Check documents against their schemas; references must resolve, ids must be unique, dependencies must not form cycles. Exit 0 when clean, 1 when problems were found.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> data/projects --json']
  static override args = {paths: Args.string({description: 'Files or folders to check (default: every document).'})}
  static override flags = {at: atFlag}
  static override strict = false

  public async run() {
    const ws = this.workspace()
    const paths = this.positionals
    const files = paths.length > 0 ? expandPaths(ws, process.cwd(), paths) : undefined
    const report = validateWorkspace(ws, files)
    this.print(report.problems.map(formatProblem).join('\n'))
    const n = report.problems.length
    this.note(`${report.checked} document${report.checked === 1 ? '' : 's'} checked, ${n === 0 ? 'no' : n} problem${n === 1 ? '' : 's'}`)
    if (n > 0) process.exitCode = EXIT_PROBLEMS_FOUND
    return {ok: n === 0, ...report}
  }
}
