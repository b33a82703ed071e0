/**
 * What `psp hooks install|uninstall|status` print, and the program the installed hooks run: this
 * psp, by the absolute paths of the node binary and of its entry script.
 */
import path from 'node:path'
import {shownPath} from '@psp/command'
import type {HookProgram, InstallReport, MergeDriverRegistration, MergeDriverRemoval, MergeDriverStatus, StatusReport, UninstallReport} from '@psp/core'

/** This psp as hooks call it: node and bin/run.js of the installation that runs now. */
export function thisProgram(root: string): HookProgram {
  return {node: process.execPath, script: path.join(root, 'bin', 'run.js')}
}

const shown = (file: string) => shownPath(file)

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

const REGISTERED: Record<MergeDriverRegistration['action'], string> = {
  registered: 'registered',
  updated: 'registered again (psp moved)',
  unchanged: 'registered',
}

/** The merge driver's registration, as one line. */
export function mergeDriverLine(registration: MergeDriverRegistration): string {
  const added = registration.attributes.added ? `; added to ${shown(registration.attributes.file)}: data/**/*.md merge=psp` : ''
  return `Merge driver: ${REGISTERED[registration.action]} in ${shown(registration.config)}${added}`
}

/** The merge driver's removal, as one line. */
export function mergeDriverRemovalLine(removal: MergeDriverRemoval): string {
  return removal.action === 'removed'
    ? `Merge driver: removed from ${shown(removal.config)} (.gitattributes kept: without the driver git merges documents as plain text)`
    : 'Merge driver: not registered'
}

/** `status`'s report: the folder, one line per hook, and an indented line per problem. */
export function statusLines(report: StatusReport & {mergeDriver: MergeDriverStatus}): string {
  const where = report.hooksPath === undefined ? '' : ` (core.hooksPath ${report.hooksPath})`
  const lines = [`Hooks folder: ${shown(report.hooksDir)}${where}`]
  for (const hook of report.hooks) {
    const state = hook.state === 'installed' ? 'installed' : hook.state === 'other' ? "not installed: another program's hook is there" : 'not installed'
    const chained = hook.chained === undefined || hook.state !== 'installed' ? '' : ` (runs ${path.basename(hook.chained)} first)`
    lines.push(`  ${pad(hook.name)}${state}${chained}`)
    for (const problem of hook.problems) lines.push(`    ${problem}`)
  }
  const driver = report.mergeDriver
  lines.push(`Merge driver: ${driver.driver === undefined ? 'not registered' : `registered${driver.config === undefined ? '' : ` in ${shown(driver.config)}`}`}`)
  for (const problem of driver.problems) if (driver.driver !== undefined || !problem.startsWith('the merge driver is not registered')) lines.push(`    ${problem}`)
  if (report.hooks.some((h) => h.state === 'installed')) {
    const calls = report.hooks.find((h) => h.state === 'installed')
    lines.push(`Hooks run: ${calls?.node} ${calls?.script}`)
  }
  if (!report.ok && report.hooks.every((h) => h.problems.length === 0) && driver.problems.every((p) => p.startsWith('the merge driver is not registered'))) {
    lines.push('Run psp hooks install to install them.')
  }
  return lines.join('\n')
}
