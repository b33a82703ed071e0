/**
 * What `psp hooks install|uninstall|status` print, and the program the installed hooks run: this
 * psp, by the absolute paths of the node binary and of its entry script.
 */
import path from 'node:path'
import type {HookProgram, InstallReport, StatusReport, UninstallReport} from '@psp/core'

/** This psp as hooks call it: node and bin/run.js of the installation that runs now. */
export function thisProgram(root: string): HookProgram {
  return {node: process.execPath, script: path.join(root, 'bin', 'run.js')}
}

/** A path as the user would type it from here: relative when below the current folder. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file
}

const pad = (name: string) => name.padEnd(14)

/** `install`'s report: the folder, then one line per hook. */
export function installLines(report: InstallReport): string {
  const lines = [`psp's git hooks in ${shown(report.hooksDir)}:`]
  for (const hook of report.hooks) {
    const chained = hook.chained === undefined ? '' : ` (runs ${path.basename(hook.chained)} first)`
    lines.push(`  ${pad(hook.name)}${hook.action}${chained}`)
  }
  return lines.join('\n')
}

const UNINSTALLED: Record<UninstallReport['hooks'][number]['action'], string> = {
  removed: 'removed',
  restored: 'removed; the hook it chained is back',
  kept: "not psp's: left alone (and its .psp-chained file too)",
  none: 'not installed',
}

/** `uninstall`'s report: the folder, then one line per hook. */
export function uninstallLines(report: UninstallReport): string {
  return [`psp's git hooks in ${shown(report.hooksDir)}:`, ...report.hooks.map((h) => `  ${pad(h.name)}${UNINSTALLED[h.action]}`)].join('\n')
}

/** `status`'s report: the folder, one line per hook, and an indented line per problem. */
export function statusLines(report: StatusReport): string {
  const where = report.hooksPath === undefined ? '' : ` (core.hooksPath ${report.hooksPath})`
  const lines = [`Hooks folder: ${shown(report.hooksDir)}${where}`]
  for (const hook of report.hooks) {
    const state = hook.state === 'installed' ? 'installed' : hook.state === 'other' ? "not installed: another program's hook is there" : 'not installed'
    const chained = hook.chained === undefined || hook.state !== 'installed' ? '' : ` (runs ${path.basename(hook.chained)} first)`
    lines.push(`  ${pad(hook.name)}${state}${chained}`)
    for (const problem of hook.problems) lines.push(`    ${problem}`)
  }
  if (report.hooks.some((h) => h.state === 'installed')) {
    const calls = report.hooks.find((h) => h.state === 'installed')
    lines.push(`Hooks run: ${calls?.node} ${calls?.script}`)
  }
  if (!report.ok && report.hooks.every((h) => h.problems.length === 0)) lines.push('Run psp hooks install to install them.')
  return lines.join('\n')
}
