import {Args, Flags} from '@oclif/core'
import {DocumentStore} from '@psp/core'
import {createTemplateFromProject} from '@psp/core/templates'
import {PspCommand} from '@psp/command'

export default class TemplateCreateFrom extends PspCommand<typeof TemplateCreateFrom> {
  static override description =
    'Make a reusable template of an existing project, in data/templates/<name>/: its milestones and tasks with their dependencies, ids turned into keys, the title into {{ name }} and every date into an offset from a start variable. Status and progress stay behind.'
  static override examples = ['<%= config.bin %> <%= command.id %> proj-8sj2 --name quarterly-release']
  static override args = {
    project: Args.string({description: 'Id (or unique prefix) of the project.', required: true}),
  }
  static override flags = {
    name: Flags.string({description: 'Template name (default: the project title\'s slug).'}),
    description: Flags.string({description: 'One-line description (default: "Made from the project …").'}),
  }

  public async run() {
    const report = createTemplateFromProject(new DocumentStore(this.workspace()), this.args.project, {name: this.flags.name, description: this.flags.description})
    const lines = [`Created template ${report.template.name} from ${this.args.project}${report.anchor === undefined ? '' : ` (dates count from start, ${report.anchor} in the project)`}`]
    for (const file of report.files) lines.push(`  ${file}`)
    for (const {task, on} of report.droppedDependencies) lines.push(`  note: ${task} depends on ${on}, outside the project: left out`)
    lines.push(`Use it: psp new ${report.template.name} "<name>" --var start=YYYY-MM-DD`)
    this.print(lines.join('\n'))
    return {name: report.template.name, path: `data/templates/${report.template.name}`, files: report.files, anchor: report.anchor ?? null, droppedDependencies: report.droppedDependencies}
  }
}
