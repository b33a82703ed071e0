import {hooksRepository, installHooks, registerMergeDriver} from '@psp/core'
import {PspCommand} from '@psp/command'
import {installLines, mergeDriverLine, thisProgram} from '../../hooks-support.js'

export default class HooksInstall extends PspCommand<typeof HooksInstall> {
  static override description =
    "Install psp's git hooks: pre-commit validates the staged documents, commit-msg checks `closes <id>`/`refs <id>`, post-commit marks closed tasks done, post-merge and post-checkout refresh the caches. Hooks already there are chained, not overwritten. Also registers psp's git merge driver for documents (docs/sync.md). Safe to run again (docs/hooks.md)."
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run() {
    const ws = this.workspace()
    const repo = hooksRepository(ws.root)
    const program = thisProgram(this.config.root)
    const report = installHooks(repo, {program, workspace: ws.root})
    const mergeDriver = registerMergeDriver(repo, {program, workspace: ws.root})
    this.print(`${installLines(report)}\n${mergeDriverLine(mergeDriver)}`)
    return {...report, mergeDriver}
  }
}
