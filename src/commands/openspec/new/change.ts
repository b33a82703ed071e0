import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {diagnosticOf, newChange, resolveOpenSpecRoot, rootOutput, type OpenSpecRoot} from '@psp/core/openspec'
import {StandaloneCommand} from '@psp/command/standalone'
import {setJsonFailureExit} from '../../../openspec-support.js'

/** `--json` output: openspec's `new change --json` payload, on success and on failure. */
type NewChangePayload =
  | {change: {id: string; path: string; metadataPath: string; schema: string}; root: ReturnType<typeof rootOutput>}
  | {change: null; status: unknown[]}

export default class OpenSpecNewChange extends StandaloneCommand<typeof OpenSpecNewChange> {
  static override description =
    'Create a change: openspec/changes/<name>/ with its .openspec.yaml, as `openspec new change` does. The name is kebab-case. Without an OpenSpec root above the current folder, one is made here.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> add-login',
    '<%= config.bin %> <%= command.id %> add-login --description "Sign in with a passkey" --goal "Passwordless sign-in"',
  ]
  static override args = {name: Args.string({description: 'The change name (kebab-case, e.g. add-login).', required: true})}
  static override flags = {
    description: Flags.string({description: 'Written to the change\'s README.md.'}),
    goal: Flags.string({description: 'Stored as `goal` in the change\'s .openspec.yaml.'}),
    schema: Flags.string({description: 'Workflow schema (default: the project config\'s, then spec-driven).'}),
  }

  public async run(): Promise<NewChangePayload | undefined> {
    const json = this.jsonEnabled()
    let root: OpenSpecRoot
    try {
      root = resolveOpenSpecRoot()
      const made = newChange(root.path, this.args.name, {description: this.flags.description, goal: this.flags.goal, schema: this.flags.schema})
      if (json) return {change: {id: made.id, path: made.path, metadataPath: made.metadataPath, schema: made.schema}, root: rootOutput(root)}
      const location = root.path === process.cwd() ? path.relative(root.path, made.path).split(path.sep).join('/') : made.path
      this.print(`Created change '${made.id}' at ${location}/\nSchema: ${made.schema}`)
      if (root.source === 'implicit') this.note(`Note: no OpenSpec root was found, so one was made in ${root.path}; run psp openspec init there to finish it.`)
      return undefined
    } catch (error) {
      if (!json) throw error
      setJsonFailureExit(error)
      const data = (error as {data?: {openspecMessage?: string}}).data
      const status = diagnosticOf(error) ?? {severity: 'error', code: 'change_error', message: data?.openspecMessage ?? (error as Error).message}
      return {change: null, status: [status]}
    }
  }
}
