/**
 * A psp workspace: a folder holding config/settings.yaml, found from any subfolder by walking
 * up, as git finds `.git`.
 */
import path from 'node:path'
import {WorkspaceNotFoundError} from './errors.js'
import {findWorkspaceRoot, LAYOUT} from './layout.js'
import {InvalidDocumentError} from './errors.js'
import type {RevisionTree} from './revision.js'
import {SchemaRegistry, type SchemaFiles} from './schemas.js'
import {loadSettings, parseSettings, SETTINGS_PATH, type Settings, type SettingsInputs} from './settings.js'
import {userSettingsPath} from './config/user-file.js'

export {findWorkspaceRoot, LAYOUT}

/** An open workspace: its root, settings and document types. */
export class Workspace {
  private registry?: SchemaRegistry

  private constructor(
    readonly root: string,
    readonly settings: Settings,
    /** Set when the workspace is read as it was at a past revision (`--at`): read-only. */
    readonly revision?: RevisionTree,
  ) {}

  /**
   * Opens the workspace containing `from` (default: the current directory), its settings layered
   * from the defaults, the user's settings file, config/settings.yaml, the environment (default:
   * process.env) and `overrides` (docs/configuration.md#layers). `userFile: undefined` in
   * `options` means the user file of that environment.
   */
  static open(from: string = process.cwd(), options: SettingsInputs = {}): Workspace {
    const root = findWorkspaceRoot(from)
    if (root === undefined) {
      throw new WorkspaceNotFoundError(
        `not inside a psp workspace: no ${SETTINGS_PATH} in ${path.resolve(from)} or any parent folder`,
        {hint: 'run `psp init` to make this folder a workspace'},
      )
    }
    const env = options.env ?? process.env
    const userFile = 'userFile' in options ? options.userFile : userSettingsPath(env)
    return new Workspace(root, loadSettings(root, {...options, env, userFile}))
  }

  /** Opens a workspace at exactly `root` with already-loaded settings (tests, init). */
  static at(root: string, settings: Settings): Workspace {
    return new Workspace(root, settings)
  }

  /**
   * The workspace under `root` as it was at a past revision: settings, schemas and documents are
   * read from `tree`. A revision without config/settings.yaml was not a psp workspace yet.
   */
  static atRevision(root: string, tree: RevisionTree): Workspace {
    const bytes = tree.read(SETTINGS_PATH)
    if (bytes === undefined) {
      throw new WorkspaceNotFoundError(`not a psp workspace at ${tree.spec}: ${SETTINGS_PATH} did not exist yet`)
    }
    let settings: Settings
    try {
      settings = parseSettings(Buffer.from(bytes).toString('utf8'), path.basename(root))
    } catch (error) {
      if (error instanceof InvalidDocumentError) {
        throw new InvalidDocumentError(`at ${tree.spec}: ${error.message}`, {...error.location, hint: error.hint})
      }
      throw error
    }
    return new Workspace(root, settings, tree)
  }

  /** The document types of this workspace (built-in, extended, its own). */
  get schemas(): SchemaRegistry {
    this.registry ??= new SchemaRegistry(this.root, this.settings, this.revision === undefined ? undefined : revisionSchemaFiles(this.revision))
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

/** config/schemas/ as a revision holds it. */
function revisionSchemaFiles(tree: RevisionTree): SchemaFiles {
  return {
    list: (folder) => tree.files(folder).map((rel) => rel.slice(folder.length + 1)).filter((name) => !name.includes('/')),
    read: (rel) => Buffer.from(tree.read(rel) ?? new Uint8Array()).toString('utf8'),
  }
}
