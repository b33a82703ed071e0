import {StandaloneCommand} from '@psp/command/standalone'
import {listTemplates} from '@psp/core/templates'
import {templateRoots} from '../../template-support.js'
import {templateListLines} from '../../template-output.js'

export default class TemplateList extends StandaloneCommand<typeof TemplateList> {
  static override description =
    'List the templates psp new can use: the workspace\'s (data/templates/), your own (~/.config/psp/templates/), the plugins\' and the built-in ones. A template hides those of the same name further down that list.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run() {
    const entries = listTemplates(templateRoots(this.config))
    this.print(templateListLines(entries))
    return entries
  }
}
