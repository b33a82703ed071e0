import {Args, Flags} from '@oclif/core'
import {runShow, statusOf} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'
import {setJsonFailureExit} from '../../openspec-support.js'

export default class OpenSpecShow extends StandaloneCommand<typeof OpenSpecShow> {
  static override description =
    "Show an OpenSpec change (its proposal, or with --json its parsed deltas) or a spec (its Markdown, or with --json its requirements and scenarios). Works in any folder with an openspec/ folder at or above it. --json prints openspec's own payload."
  static override examples = [
    '<%= config.bin %> <%= command.id %> add-login',
    '<%= config.bin %> <%= command.id %> add-login --json --deltas-only',
    '<%= config.bin %> <%= command.id %> auth --json --requirements',
    '<%= config.bin %> <%= command.id %> auth --json -r 2',
  ]
  static override args = {item: Args.string({description: 'A change or spec (its folder name, or capability path).'})}
  static override flags = {
    type: Flags.string({description: 'The item type when a name is both a change and a spec: change or spec.', helpValue: '<change|spec>'}),
    'deltas-only': Flags.boolean({description: 'Changes: only the deltas (JSON only).'}),
    'requirements-only': Flags.boolean({description: 'Changes: alias of --deltas-only (deprecated).', hidden: true}),
    requirements: Flags.boolean({description: 'Specs: requirements without scenarios (JSON only).'}),
    scenarios: Flags.boolean({description: 'Specs: include scenario content (JSON only; --no-scenarios leaves it out).', allowNo: true}),
    requirement: Flags.string({char: 'r', description: 'Specs: only the requirement with this 1-based number (JSON only).', helpValue: '<n>'}),
    'no-interactive': Flags.boolean({description: 'Accepted for compatibility; psp never prompts.'}),
  }

  public async run(): Promise<unknown> {
    const json = this.jsonEnabled()
    const f = this.flags
    try {
      const outcome = runShow({
        item: this.args.item,
        type: f.type,
        json,
        deltasOnly: f['deltas-only'],
        requirementsOnly: f['requirements-only'],
        requirements: f.requirements,
        scenarios: f.scenarios,
        requirement: f.requirement,
      })
      for (const warning of outcome.warnings) this.note(warning)
      // Text mode passes the file through as is (plus the newline openspec's output ends with).
      if (outcome.text !== undefined) process.stdout.write(`${outcome.text}\n`)
      return outcome.payload
    } catch (error) {
      if (!json) throw error
      setJsonFailureExit(error)
      return {status: [statusOf(error, 'show_error')]}
    }
  }
}
