/**
 * The user's own settings file: defaults for every workspace of this user, below each
 * workspace's config/settings.yaml. `$XDG_CONFIG_HOME/psp/settings.yaml`, else
 * `%APPDATA%\psp\settings.yaml` on Windows, else `~/.config/psp/settings.yaml`.
 */
import os from 'node:os'
import path from 'node:path'

/** The path of the user's settings file for this environment (it may not exist). */
export function userSettingsPath(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string {
  const xdg = env['XDG_CONFIG_HOME']
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (xdg !== undefined && xdg !== '' && path.isAbsolute(xdg)) return path.join(xdg, 'psp', 'settings.yaml')
  const appData = env['APPDATA']
  if (platform === 'win32' && appData !== undefined && appData !== '') return path.join(appData, 'psp', 'settings.yaml')
  const home = env['HOME'] || env['USERPROFILE'] || os.homedir()
  return path.join(home, '.config', 'psp', 'settings.yaml')
}

/** The comment a new user settings file starts with. */
export const USER_FILE_HEADER = `# psp user settings: defaults for every psp workspace of this user (docs/configuration.md).
# A workspace's config/settings.yaml, PSP_* environment variables and -c flags win over them.
`
