/**
 * The base of psp commands that need no workspace (`psp openspec …` works in any project with an
 * `openspec/` folder): `--json` (the return value of `run()` is the JSON), the global flags, and
 * output on the right stream. It loads nothing of the core, so these commands start as fast as
 * `psp --version` allows. PspCommand adds the workspace on top of it. Errors are not handled
 * here: bin/run.js renders them in one place.
 */
import {Command, Flags, type Interfaces} from '@oclif/core'
import {LOG_LEVELS} from '@psp/core/runtime'
import {runContext} from './run-context.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof StandaloneCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class StandaloneCommand<T extends typeof Command> extends Command {
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

  public override async init(): Promise<void> {
    await super.init()
    const {args, argv, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof StandaloneCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.positionals = argv.map(String)
    runContext.logLevel = this.flags['log-level']
  }

  /** Prints text to stdout unless --json is on (then the return value is printed instead). */
  protected print(text: string): void {
    if (!this.jsonEnabled() && text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /**
   * `--json` output. oclif colours JSON by tokenising the whole text with regular expressions,
   * which costs more than the command itself on a large result (it slices the rest of the
   * text after every token); with nobody to see colours (a pipe, a file, NO_COLOR) psp writes
   * the same text straight away.
   */
  public override logJson(json: unknown): void {
    if (process.stdout.isTTY && process.env['NO_COLOR'] === undefined) {
      super.logJson(json)
      return
    }
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  /** Prints a diagnostic to stderr (never mixed into data on stdout). */
  protected note(text: string): void {
    process.stderr.write(`${text}\n`)
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    throw error
  }
}
