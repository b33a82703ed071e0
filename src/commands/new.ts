import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {resolveVariables, startProject} from '@psp/core/templates'
import {PspCommand} from '@psp/command'
import {thisProgram} from '../hooks-support.js'
import {askVariable, canAsk, isPromptCancel, openTemplate, parseVarFlags} from '../template-support.js'
import {newProjectLines, newProjectJson} from '../template-output.js'

export default class New extends PspCommand<typeof New> {
  static override description =
    'Start a project from a template: its project, milestones and dependent tasks, with dates from the variables, and the template\'s files. ' +
    'On a terminal the variables not given are asked for; otherwise defaults apply and a missing one is an error. Never overwrites a file. ' +
    'Outside a workspace, the new folder becomes one (docs/templates.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> software-release "Mobile app 2.0" --var start=2027-01-04',
    '<%= config.bin %> <%= command.id %> blank "Side quest" --dry-run',
    '<%= config.bin %> <%= command.id %> research-study "Sleep and memory" --into studies/sleep --yes',
    '<%= config.bin %> <%= command.id %> https://git.example.com/team/templates.git//release#v2 "Q3 release"',
  ]
  static override args = {
    template: Args.string({description: 'Template: a name (psp template list), a folder (./my-template) or a git URL (https://host/repo.git[//folder][#ref]).', required: true}),
    name: Args.string({description: 'The project\'s name (the template\'s `name` variable).', required: true}),
  }
  static override flags = {
    var: Flags.string({description: 'A variable\'s value, key=value (repeatable).', multiple: true, helpValue: '<key=value>'}),
    into: Flags.string({description: 'Folder that receives the template\'s files (default: the workspace root; outside a workspace, a new folder named after the project).', helpValue: '<dir>'}),
    'dry-run': Flags.boolean({description: 'List every file it would write, and write nothing.'}),
    yes: Flags.boolean({char: 'y', description: 'Ask nothing: take the defaults of the variables not given.'}),
  }

  public async run() {
    const given = parseVarFlags(this.flags.var)
    const opened = await openTemplate(this.args.template, this.config)
    try {
      const ask = canAsk() && !this.flags.yes ? askVariable : undefined
      let variables
      try {
        variables = await resolveVariables(opened.template.manifest, {name: this.args.name, given, ask})
      } catch (error) {
        if (!isPromptCancel(error)) throw error
        this.note('Cancelled; nothing written.')
        return this.exit(130)
      }
      const report = await startProject({
        template: opened.template,
        variables,
        into: this.flags.into,
        dryRun: this.flags['dry-run'],
        init: {pspVersion: this.config.version, mergeDriver: thisProgram(this.config.root)},
        settings: this.settingsInputs(),
      })
      this.print(newProjectLines(report, path.resolve()))
      return newProjectJson(report, opened.commit)
    } finally {
      opened.dispose()
    }
  }
}
