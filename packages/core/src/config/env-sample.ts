/**
 * config/.env.sample: every environment variable psp reads, documented, for copying to `.env`.
 * The settings variables are generated from the settings keys, so that none is ever missing.
 */
import {defaultSettings} from './defaults.js'
import {formatConfigValue} from './effective.js'
import {settingKeys, valueAt} from './keys.js'

/** The text of config/.env.sample. */
export function envSample(): string {
  const defaults = defaultSettings('My workspace')
  const settings = settingKeys()
    .filter((key) => key.env !== undefined)
    .map((key) => `# ${key.key}: ${key.description}\n# ${key.env}=${formatConfigValue(valueAt(defaults, key.path))}\n`)
    .join('\n')
  return `# Environment variables psp reads. Copy this file to .env at the workspace root (git-ignored)
# to set them for this workspace only; a variable set in the real environment wins over .env.
# Precedence of settings: -c flags > these variables > config/settings.yaml > your user settings
# file > the defaults (docs/configuration.md).

## Settings: PSP_ and the key of config/settings.yaml, upper-cased, dots as underscores.
## A value is read as YAML, as in the file: [todo, doing, done], {doing: 3}, 12, true; text as
## it is. Each replaces the key's value whole. The values shown are the defaults.

${settings}
## Other variables

# Print the stack trace of an unexpected error: 1 or true (the same as --debug).
# PSP_DEBUG=1

# 0: run psp history through oclif like every other command, not by its fast path (the same
# answer, a slower start; docs/history.md#the-fast-path).
# PSP_FAST_PATH=0

# json: every command prints its result as with --json (oclif's own variable; an error is
# still printed as a line, as without --json).
# PSP_CONTENT_TYPE=json

# Where plugins you install (psp plugins install) are listed: $PSP_DATA_DIR, else
# $XDG_DATA_HOME/psp, else %LOCALAPPDATA%\\psp on Windows, else $HOME/.local/share/psp
# (HOMEDRIVE and HOMEPATH, or USERPROFILE, when HOME is not set). Their hooks run under oclif,
# so psp history takes no fast path while any are installed.
# PSP_DATA_DIR=
# XDG_DATA_HOME=
# LOCALAPPDATA=

# psp sync over HTTPS: an access token, and the user name sent with it (default x-access-token).
# PSP_GIT_TOKEN=
# PSP_GIT_USERNAME=

# Your user settings file (defaults for every workspace) is $XDG_CONFIG_HOME/psp/settings.yaml;
# without XDG_CONFIG_HOME, %APPDATA%\\psp\\settings.yaml on Windows, else
# $HOME/.config/psp/settings.yaml (USERPROFILE when HOME is not set).
# XDG_CONFIG_HOME=
# APPDATA=

# No colour (any value); TERM=dumb also turns colour off.
# NO_COLOR=1
# TERM=dumb

# The program \`psp <type> edit <id>\` opens without --set: VISUAL, else EDITOR, else vi (notepad
# on Windows). It is run by the shell, so it may carry arguments.
# VISUAL=
# EDITOR=vi

# git's own variables work as they do for git: GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE,
# GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM, GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL,
# GIT_AUTHOR_DATE, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, GIT_COMMITTER_DATE, EMAIL, HOME.
`
}
