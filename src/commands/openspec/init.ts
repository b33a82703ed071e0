import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {initOpenSpec} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'

export default class OpenSpecInit extends StandaloneCommand<typeof OpenSpecInit> {
  static override description =
    'Make a folder an OpenSpec root: openspec/specs/, openspec/changes/archive/ and openspec/config.yaml, as `openspec init` lays them out. Only what is missing is created; `psp init` runs it too.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> ../service']
  static override args = {path: Args.string({description: 'Folder to set up (created when missing).', default: '.'})}
  static override flags = {
    // Accepted so that scripts written for openspec run unchanged; psp sets up no AI tools.
    tools: Flags.string({description: 'AI tools to set up: psp sets up none, so only `none` is accepted (use openspec init for the others).', helpValue: 'none'}),
  }

  public async run() {
    const root = path.resolve(this.args.path)
    const report = {root, ...initOpenSpec(root, {tools: this.flags.tools})}
    if (report.created.length === 0) this.print(`OpenSpec root already set up in ${root} (nothing changed)`)
    else this.print([`Set up OpenSpec in ${root}`, ...report.created.map((rel) => `  created ${rel}`)].join('\n'))
    return report
  }
}
