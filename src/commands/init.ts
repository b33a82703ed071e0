import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {initWorkspace} from '@psp/core'
import {PspCommand} from '@psp/command'
import {thisProgram} from '../hooks-support.js'

export default class Init extends PspCommand<typeof Init> {
  static override description =
    'Make a folder a psp workspace: config, data folders, openspec/, .augment/ and git (initialised when missing), with psp\'s merge driver registered. Safe to run again: it only adds what is missing.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> my-project --name "My project"']
  static override args = {dir: Args.string({description: 'Folder to initialise (created when missing).', default: '.'})}
  static override flags = {name: Flags.string({description: 'Workspace name (default: the folder name).'})}

  public async run() {
    const report = await initWorkspace(this.args.dir, {name: this.flags.name, pspVersion: this.config.version, mergeDriver: thisProgram(this.config.root)})
    if (report.alreadyInitialised) {
      this.print(`Already initialised: ${report.root} (nothing changed)`)
    } else {
      const lines = [`Initialised psp workspace in ${report.root}`]
      if (report.gitInitialised) lines.push('  created git repository')
      for (const rel of report.created) if (rel !== '.git/') lines.push(`  created ${rel}`)
      for (const {file, lines: added} of report.appended) {
        if (!report.created.includes(file)) lines.push(`  added to ${file}: ${added.join(', ')}`)
      }
      if (report.mergeDriver !== undefined && report.mergeDriver.action !== 'unchanged') lines.push(`  registered the git merge driver in ${path.relative(report.root, report.mergeDriver.config).split(path.sep).join('/')}`)
      this.print(lines.join('\n'))
    }
    return report
  }
}
