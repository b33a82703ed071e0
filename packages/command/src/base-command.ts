/**
 * The base of every psp command: `--json` (the return value of `run()` is the JSON), global
 * flags, and the workspace. Errors are not handled here: bin/run.js renders them in one place.
 */
import {Command, Flags, type Interfaces} from '@oclif/core'
import {defaultSettings, findWorkspaceRoot, LOG_LEVELS, openRevisionTree, SchemaRegistry, Workspace, type DocumentStore} from '@psp/core/records'
import {runContext} from './run-context.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof PspCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * `--at`, for the commands that only read: the workspace as it was at a revision, tag, branch or
 * date, read from git objects (docs/history.md#time-travel).
 */
export const atFlag = Flags.string({
  description: 'Read the workspace as it was at this revision, tag, branch or date (YYYY-MM-DD), from git; nothing is written.',
  helpValue: '<rev|date>',
})

export abstract class PspCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    'log-level': Flags.option({
      description: 'Level of the log written to data/cache/logs/psp.log (default: PSP_LOG_LEVEL, then log.level in settings).',
      helpGroup: 'GLOBAL',
      options: [...LOG_LEVELS],
    })(),
    debug: Flags.boolean({description: 'Show stack traces for unexpected errors.', helpGroup: 'GLOBAL'}),
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  /** Positional arguments after flag parsing (for commands with `strict = false`). */
  protected positionals: string[] = []
  private ws?: Workspace

  public override async init(): Promise<void> {
    await super.init()
    const {args, argv, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof PspCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.positionals = argv.map(String)
    runContext.logLevel = this.flags['log-level']
  }

  /** The workspace around the current directory (WorkspaceNotFoundError when there is none). */
  protected workspace(): Workspace {
    if (this.ws === undefined) {
      const current = Workspace.open(process.cwd())
      // `--at` (on the commands that read): the workspace as it was, from git; read-only.
      const at = (this.flags as {at?: string}).at
      this.ws = at === undefined ? current : Workspace.atRevision(current.root, openRevisionTree(current.root, at))
    }
    runContext.root = this.ws.root
    runContext.log = this.ws.settings.log
    return this.ws
  }

  /** The workspace's document types, or the built-in ones when run outside a workspace. */
  protected schemaRegistry(): SchemaRegistry {
    return findWorkspaceRoot(process.cwd()) === undefined
      ? new SchemaRegistry(undefined, defaultSettings())
      : this.workspace().schemas
  }

  /** Prints text to stdout unless --json is on (then the return value is printed instead). */
  protected print(text: string): void {
    if (!this.jsonEnabled() && text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /**
   * Warns on stderr about documents the store could not read: a command that works from the
   * whole workspace (a list, a query, next, the critical path) would otherwise quietly leave
   * them out.
   */
  protected noteUnreadable(store: DocumentStore): void {
    const {unreadable} = store.load()
    if (unreadable.length === 0) return
    const n = unreadable.length
    this.note(`Warning: ${n} document${n > 1 ? 's' : ''} could not be read (run psp validate): ${unreadable[0]?.path}${n > 1 ? ', …' : ''}`)
  }

  /** Prints a diagnostic to stderr (never mixed into data on stdout). */
  protected note(text: string): void {
    process.stderr.write(`${text}\n`)
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    throw error
  }
}
