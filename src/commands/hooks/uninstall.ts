import {hooksRepository, uninstallHooks, unregisterMergeDriver} from '@psp/core'
import {PspCommand} from '@psp/command'
import {mergeDriverRemovalLine, uninstallLines} from '../../hooks-support.js'

export default class HooksUninstall extends PspCommand<typeof HooksUninstall> {
  static override description = "Remove psp's git hooks and put back, byte for byte, the hooks they chained. Other programs' hooks are left alone. Also unregisters psp's merge driver from the repository's git config (.gitattributes is left as it is: without the driver git merges documents as plain text)."
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run() {
    const repo = hooksRepository(process.cwd())
    const report = uninstallHooks(repo)
    const mergeDriver = unregisterMergeDriver(repo)
    this.print(`${uninstallLines(report)}\n${mergeDriverRemovalLine(mergeDriver)}`)
    return {...report, mergeDriver}
  }
}
