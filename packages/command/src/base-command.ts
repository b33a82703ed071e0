/**
 * The base of every psp command that works in a workspace: StandaloneCommand's `--json` and
 * global flags, plus `-c key=value` and the workspace. Errors are not handled here: bin/run.js
 * renders them in one place.
 */
import {Flags, type Command} from '@oclif/core'
import {
  defaultSettings,
  findWorkspaceRoot,
  LOG_LEVELS,
  openRevisionTree,
  SchemaRegistry,
  Workspace,
  type ConfigContext,
  type ConfigOverride,
  type DocumentStore,
  type SettingsInputs,
} from '@psp/core/records'
import {readLogSettings} from '@psp/core/runtime'
import {runContext} from './run-context.js'
import {commandLineOverrides, settingsInputs} from './settings-inputs.js'
import {StandaloneCommand} from './standalone-command.js'

export type {CommandArgs, CommandFlags} from './standalone-command.js'

/**
 * `--at`, for the commands that only read: the workspace as it was at a revision, tag, branch or
 * date, read from git objects (docs/history.md#time-travel).
 */
export const atFlag = Flags.string({
  description: 'Read the workspace as it was at this revision, tag, branch or date (YYYY-MM-DD), from git; nothing is written.',
  helpValue: '<rev|date>',
})

/** The base of commands that work in a psp workspace: StandaloneCommand plus the workspace. */
export abstract class PspCommand<T extends typeof Command> extends StandaloneCommand<T> {
  // Restated, not only inherited: oclif collects a command's static settings by walking its
  // prototypes and stops at the first class with no static properties of its own.
  static override enableJsonFlag = true
  static override baseFlags = {
    ...StandaloneCommand.baseFlags,
    config: Flags.string({
      char: 'c',
      description: 'Set a setting for this run only: key=value, the value read as YAML (-c workflow.wip="{doing: 3}"); repeatable. Wins over PSP_* variables and the settings files.',
      helpGroup: 'GLOBAL',
      helpValue: '<key=value>',
      multiple: true,
      multipleNonGreedy: true,
    }),
  }

  private ws?: Workspace
  private overrides?: ConfigOverride[]

  public override async init(): Promise<void> {
    await super.init()
    const overrides = this.configOverrides()
    // The run log follows the flags too, even when the command fails before opening the workspace.
    const log = overrides.filter((o) => o.key.startsWith('log.') && o.flag !== '--log-level')
    if (log.length > 0) {
      const root = findWorkspaceRoot(process.cwd())
      if (root !== undefined) runContext.log = readLogSettings(root, {env: process.env, overrides: log})
      const level = log.findLast((o) => o.key === 'log.level')?.value.trim()
      if (this.flags['log-level'] === undefined && (LOG_LEVELS as readonly string[]).includes(level ?? '')) runContext.logLevel = level
    }
  }

  /** The `-c key=value` overrides, then `--log-level` (the flag made for `log.level`). */
  protected configOverrides(): ConfigOverride[] {
    this.overrides ??= commandLineOverrides((this.flags as {config?: string[]}).config ?? [], this.flags['log-level'])
    return this.overrides
  }

  /** What the settings are layered from, besides the files: the environment and the flags. */
  protected settingsInputs(): SettingsInputs {
    return settingsInputs(this.configOverrides())
  }

  /** What `psp config` works on: the workspace around the current directory (if any), the environment, the flags. */
  protected configContext(): ConfigContext {
    const root = findWorkspaceRoot(process.cwd())
    if (root !== undefined) runContext.root = root
    return {...(root === undefined ? {} : {root}), env: process.env, envFileNames: runContext.envFileNames ?? [], overrides: this.configOverrides()}
  }

  /** The workspace around the current directory (WorkspaceNotFoundError when there is none). */
  protected workspace(): Workspace {
    if (this.ws === undefined) {
      const current = Workspace.open(process.cwd(), this.settingsInputs())
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
}
