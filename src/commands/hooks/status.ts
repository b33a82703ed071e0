import {findWorkspaceRoot, hooksRepository, hooksStatus, mergeDriverStatus} from '@psp/core'
import {PspCommand} from '@psp/command'
import {statusLines} from '../../hooks-support.js'

export default class HooksStatus extends PspCommand<typeof HooksStatus> {
  static override description =
    "Show psp's git hooks: where git looks for hooks, which of psp's are installed, what each chains, whether psp's merge driver is registered, and what is stale (psp moved: run psp hooks install again)."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run() {
    const repo = hooksRepository(process.cwd())
    const hooks = hooksStatus(repo)
    const mergeDriver = mergeDriverStatus(repo, {workspace: findWorkspaceRoot(process.cwd())})
    const report = {...hooks, ok: hooks.ok && mergeDriver.ok, mergeDriver}
    this.print(statusLines(report))
    return report
  }
}
