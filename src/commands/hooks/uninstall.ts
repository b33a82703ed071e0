import {hooksRepository, uninstallHooks} from '@psp/core'
import {PspCommand} from '@psp/command'
import {uninstallLines} from '../../hooks-support.js'

export default class HooksUninstall extends PspCommand<typeof HooksUninstall> {
  static override description = "Remove psp's git hooks and put back, byte for byte, the hooks they chained. Other programs' hooks are left alone."
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run() {
    const report = uninstallHooks(hooksRepository(process.cwd()))
    this.print(uninstallLines(report))
    return report
  }
}
