import {hooksRepository, installHooks} from '@psp/core'
import {PspCommand} from '@psp/command'
import {installLines, thisProgram} from '../../hooks-support.js'

export default class HooksInstall extends PspCommand<typeof HooksInstall> {
  static override description =
    "Install psp's git hooks: pre-commit validates the staged documents, commit-msg checks `closes <id>`/`refs <id>`, post-commit marks closed tasks done, post-merge and post-checkout refresh the caches. Hooks already there are chained, not overwritten. Safe to run again (docs/hooks.md)."
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run() {
    const ws = this.workspace()
    const report = installHooks(hooksRepository(ws.root), {program: thisProgram(this.config.root), workspace: ws.root})
    this.print(installLines(report))
    return report
  }
}
