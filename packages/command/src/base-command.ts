/**
 * The base of every psp command that works in a workspace: StandaloneCommand's `--json` and
 * global flags, plus the workspace. Errors are not handled here: bin/run.js renders them in one place.
 */
import {Flags, type Command} from '@oclif/core'
import {defaultSettings, findWorkspaceRoot, openRevisionTree, SchemaRegistry, Workspace, type DocumentStore} from '@psp/core/records'
import {runContext} from './run-context.js'
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
  static override baseFlags = StandaloneCommand.baseFlags

  private ws?: Workspace

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
