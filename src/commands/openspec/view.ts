import {Flags} from '@oclif/core'
import {dashboardData, renderDashboard, resolveOpenSpecRoot} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'

export default class OpenSpecView extends StandaloneCommand<typeof OpenSpecView> {
  static override description =
    'A dashboard of the OpenSpec folder: specs and requirement counts, draft, active and completed changes, task progress. Colour on a terminal unless NO_COLOR is set. --json prints the data behind it.'
  static override examples = ['<%= config.bin %> <%= command.id %>']
  static override flags = {
    'no-interactive': Flags.boolean({description: 'Accepted for compatibility; psp never prompts.'}),
  }

  public async run(): Promise<unknown> {
    const data = dashboardData(resolveOpenSpecRoot())
    const color = Boolean(process.stdout.isTTY) && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb'
    this.print(renderDashboard(data, {color}).join('\n'))
    return data
  }
}
