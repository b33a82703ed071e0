import {Args, Flags} from '@oclif/core'
import {runHook} from '@psp/core'
import {PspCommand} from '@psp/command'

export default class HooksRun extends PspCommand<typeof HooksRun> {
  static override description = 'Run one of psp\'s git hooks, as the installed hook scripts do (git passes the arguments after --).'
  static override examples = ['<%= config.bin %> <%= command.id %> pre-commit', '<%= config.bin %> <%= command.id %> commit-msg -- .git/COMMIT_EDITMSG']
  static override hidden = true
  static override args = {hook: Args.string({description: 'The hook: pre-commit, commit-msg, post-commit, post-merge or post-checkout.', required: true})}
  static override flags = {workspace: Flags.string({description: 'The workspace folder, relative to where git runs the hook.'})}
  static override strict = false

  public async run() {
    const [hook = '', ...args] = this.positionals
    const result = await runHook({hook, args, cwd: process.cwd(), workspace: this.flags.workspace})
    for (const line of result.lines) this.note(line)
    process.exitCode = result.exitCode
    return result
  }
}
