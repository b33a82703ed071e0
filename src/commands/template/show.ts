import {Args} from '@oclif/core'
import {StandaloneCommand} from '@psp/command/standalone'
import {openTemplate} from '../../template-support.js'
import {templateShowJson, templateShowLines} from '../../template-output.js'

export default class TemplateShow extends StandaloneCommand<typeof TemplateShow> {
  static override description = 'Show a template: its variables (type, default, what they accept), its plan (milestones and tasks with their dependencies and dates) and its files.'
  static override examples = ['<%= config.bin %> <%= command.id %> software-release', '<%= config.bin %> <%= command.id %> ./my-template --json']
  static override args = {
    template: Args.string({description: 'Template: a name, a folder or a git URL.', required: true}),
  }

  public async run() {
    const opened = await openTemplate(this.args.template, this.config)
    try {
      this.print(templateShowLines(opened.template))
      return {...templateShowJson(opened.template), ...(opened.commit === undefined ? {} : {commit: opened.commit})}
    } finally {
      opened.dispose()
    }
  }
}
