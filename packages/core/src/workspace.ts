/**
 * A psp workspace: a folder holding config/settings.yaml, found from any subfolder by walking
 * up, as git finds `.git`.
 */
import path from 'node:path'
import {WorkspaceNotFoundError} from './errors.js'
import {findWorkspaceRoot, LAYOUT} from './layout.js'
import {SchemaRegistry} from './schemas.js'
import {loadSettings, SETTINGS_PATH, type Settings} from './settings.js'

export {findWorkspaceRoot, LAYOUT}

/** An open workspace: its root, settings and document types. */
export class Workspace {
  private registry?: SchemaRegistry

  private constructor(
    readonly root: string,
    readonly settings: Settings,
  ) {}

  /** Opens the workspace containing `from` (default: the current directory). */
  static open(from: string = process.cwd()): Workspace {
    const root = findWorkspaceRoot(from)
    if (root === undefined) {
      throw new WorkspaceNotFoundError(
        `not inside a psp workspace: no ${SETTINGS_PATH} in ${path.resolve(from)} or any parent folder`,
        {hint: 'run `psp init` to make this folder a workspace'},
      )
    }
    return new Workspace(root, loadSettings(root))
  }

  /** Opens a workspace at exactly `root` with already-loaded settings (tests, init). */
  static at(root: string, settings: Settings): Workspace {
    return new Workspace(root, settings)
  }

  /** The document types of this workspace (built-in, extended, its own). */
  get schemas(): SchemaRegistry {
    this.registry ??= new SchemaRegistry(this.root, this.settings)
    return this.registry
  }

  /** Absolute path of a workspace-relative path. */
  resolve(relative: string): string {
    return path.join(this.root, ...relative.split('/'))
  }

  /**
   * The id prefix of a type: from settings, else the type name without dashes (an id has exactly
   * one dash, so that a prefix of its random part resolves on its own).
   */
  prefixOf(type: string): string {
    return this.settings.ids.prefixes[type] ?? type.replace(/-/g, '')
  }
}
