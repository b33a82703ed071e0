import {Args, Flags} from '@oclif/core'
import {runValidate, statusOf, type TextLine} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'
import {setJsonFailureExit} from '../../openspec-support.js'

export default class OpenSpecValidate extends StandaloneCommand<typeof OpenSpecValidate> {
  static override description =
    "Validate OpenSpec changes and specs with openspec's own rules: one item, or --all, --changes, --specs; --archived checks that archived changes have every task done. Exit 1 when something is invalid (--strict: also on warnings). Works in any folder with an openspec/ folder at or above it. --json prints openspec's own report."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --all --strict',
    '<%= config.bin %> <%= command.id %> add-login --json',
    '<%= config.bin %> <%= command.id %> auth --type spec',
  ]
  static override args = {item: Args.string({description: 'A change or spec to validate (its folder name, or capability path).'})}
  static override flags = {
    all: Flags.boolean({description: 'Validate all changes and specs.'}),
    changes: Flags.boolean({description: 'Validate all changes.'}),
    specs: Flags.boolean({description: 'Validate all specs.'}),
    archived: Flags.boolean({description: 'Check that every archived change has all its tasks completed (for pre-commit linting).'}),
    report: Flags.string({description: 'Bulk report content: full or findings (only the items with issues).', helpValue: '<full|findings>'}),
    type: Flags.string({description: 'The item type when a name is both a change and a spec: change or spec.', helpValue: '<change|spec>'}),
    strict: Flags.boolean({description: 'Also fail on warnings.'}),
    concurrency: Flags.string({description: 'Accepted for compatibility with openspec; psp validates in one pass.', hidden: true}),
    'no-interactive': Flags.boolean({description: 'Accepted for compatibility; psp never prompts.'}),
  }

  public async run(): Promise<unknown> {
    const json = this.jsonEnabled()
    try {
      const outcome = runValidate({...this.flags, item: this.args.item})
      if (outcome.failed) process.exitCode = 1
      if (!json) this.write(outcome.text.lines)
      return outcome.payload
    } catch (error) {
      if (!json) throw error
      setJsonFailureExit(error)
      return {status: [statusOf(error, 'validate_error')]}
    }
  }

  private write(lines: readonly TextLine[]): void {
    for (const line of lines) (line.stream === 'stdout' ? process.stdout : process.stderr).write(`${line.text}\n`)
  }
}
