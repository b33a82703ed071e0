import {Flags} from '@oclif/core'
import {collectGarbage, UsageError, type GcReport} from '@psp/core'
import {PspCommand} from '@psp/command'

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`
}

function reportText(r: GcReport): string {
  if (r.method === 'builtin' && r.looseBefore === 0) return 'No loose objects: nothing to pack.'
  const how = r.method === 'git' ? 'git gc' : `psp (${r.pack ?? 'no new pack'})`
  return `Packed with ${how}: ${r.looseBefore} loose objects (${size(r.looseBytesBefore)}) → ${r.looseAfter} (${size(r.looseBytesAfter)}); packs: ${r.packsBefore} → ${r.packsAfter}.`
}

export default class Gc extends PspCommand<typeof Gc> {
  static override description =
    "Pack git's loose objects: psp writes through isomorphic-git, which stores every object as its own file and never packs them. Runs `git gc` when git is installed, else packs them itself (docs/history.md#psp-gc)."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --builtin']
  static override flags = {
    git: Flags.boolean({description: 'Run `git gc` (fails when git is not installed).', exclusive: ['builtin']}),
    builtin: Flags.boolean({description: 'Pack with psp itself, without git (no delta compression).', exclusive: ['git']}),
  }

  public async run(): Promise<GcReport> {
    const ws = this.workspace()
    const {flags} = this
    if (flags.git && flags.builtin) throw new UsageError('--git and --builtin contradict each other: choose one')
    const report = await collectGarbage(ws.root, {method: flags.git ? 'git' : flags.builtin ? 'builtin' : 'auto'})
    this.print(reportText(report))
    return report
  }
}
