import {Flags} from '@oclif/core'
import {runList, statusOf} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'
import {setJsonFailureExit} from '../../openspec-support.js'

export default class OpenSpecList extends StandaloneCommand<typeof OpenSpecList> {
  static override description =
    "List the active OpenSpec changes with their task progress (most recent first), or the specs with their requirement counts. Works in any folder with an openspec/ folder at or above it. --json prints openspec's own payload."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --specs --json', '<%= config.bin %> <%= command.id %> --sort name']
  static override flags = {
    specs: Flags.boolean({description: 'List specs instead of changes.'}),
    changes: Flags.boolean({description: 'List changes (the default).'}),
    sort: Flags.string({description: 'Sort order: recent (the default) or name.', default: 'recent', helpValue: '<recent|name>'}),
    'no-interactive': Flags.boolean({description: 'Accepted for compatibility; psp never prompts.'}),
  }

  public async run(): Promise<unknown> {
    const json = this.jsonEnabled()
    try {
      const {payload, lines} = runList({specs: this.flags.specs, sort: this.flags.sort})
      this.print(lines.join('\n'))
      return payload
    } catch (error) {
      if (!json) throw error
      setJsonFailureExit(error)
      return {...(this.flags.specs ? {specs: []} : {changes: []}), root: null, status: [statusOf(error, 'list_error')]}
    }
  }
}
