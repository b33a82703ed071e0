/**
 * What `psp config` works on: the workspace (when there is one), the user's file, the
 * environment and the flags, read in full (no cache: these commands show where values come
 * from, and must see the files as they are).
 */
import fs from 'node:fs'
import path from 'node:path'
import {IoError, WorkspaceNotFoundError} from '../errors.js'
import {SETTINGS_PATH} from '../layout.js'
import {ENV_FILE, readEnvFile} from './env-file.js'
import {readEnvLayer, readFileLayer, readFlagLayer, type ConfigOverride, type Env, type EnvFileInfo, type Layer} from './layers.js'
import {userSettingsPath} from './user-file.js'

/** The inputs of the configuration commands. */
export interface ConfigContext {
  /** The workspace root; undefined outside a workspace (then only the user file, environment and flags count). */
  root?: string
  env: Env
  /** The variables the workspace's `.env` set in `env`. */
  envFileNames?: readonly string[]
  /** `-c key=value` and `--log-level` overrides. */
  overrides?: readonly ConfigOverride[]
  /** The user's settings file; default: its place for `env`. */
  userFile?: string
}

/** The user's settings file of a context. */
export function userFileOf(ctx: ConfigContext): string {
  return ctx.userFile ?? userSettingsPath(ctx.env)
}

/** The workspace's settings file; WorkspaceNotFoundError outside a workspace. */
export function workspaceFileOf(ctx: ConfigContext): string {
  if (ctx.root === undefined) {
    throw new WorkspaceNotFoundError(`not inside a psp workspace: no ${SETTINGS_PATH} in ${process.cwd()} or any parent folder`, {
      hint: 'run `psp init` to make this folder a workspace, or use --user for your own settings file',
    })
  }
  return path.join(ctx.root, SETTINGS_PATH)
}

/** A file's text, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw new IoError(`cannot read ${file}: ${(error as Error).message}`, {path: file, cause: error})
  }
}

/** Where the `.env` variables of a context are, for origins. */
export function envFileInfo(ctx: ConfigContext): EnvFileInfo | undefined {
  if (ctx.root === undefined || (ctx.envFileNames ?? []).length === 0) return undefined
  return {path: ENV_FILE, names: ctx.envFileNames ?? [], text: readEnvFile(ctx.root)?.text}
}

/** The default workspace name: the folder's. */
export function folderNameOf(ctx: ConfigContext): string {
  return ctx.root === undefined ? 'workspace' : path.basename(ctx.root)
}

/**
 * The layers of a context above the defaults, lowest first; throws the first problem of any.
 * `texts` stands in for a file's text (an edit being checked before it is written).
 */
export function contextLayers(ctx: ConfigContext, texts: {user?: string; workspace?: string} = {}): Layer[] {
  const layers: Layer[] = []
  const userFile = userFileOf(ctx)
  const user = texts.user ?? readIfExists(userFile)
  if (user !== undefined) layers.push(readFileLayer('user', user, userFile))
  if (ctx.root !== undefined) {
    const workspace = texts.workspace ?? readIfExists(workspaceFileOf(ctx))
    if (workspace !== undefined) layers.push(readFileLayer('workspace', workspace, SETTINGS_PATH))
  }
  layers.push(readEnvLayer(ctx.env, envFileInfo(ctx)))
  layers.push(readFlagLayer(ctx.overrides ?? []))
  return layers
}
