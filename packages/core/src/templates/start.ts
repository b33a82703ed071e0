/**
 * What `psp new` does end to end: find the workspace around the target folder (or plan a new
 * one there), plan the project, and write it — or, with `dryRun`, only say what would be
 * written. Outside any workspace the target folder becomes one (`psp init`), after the plan has
 * been checked, so that a template that fails leaves nothing behind.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {UsageError} from '../errors.js'
import {initWorkspace, settingsTemplate, type InitOptions} from '../init.js'
import {findWorkspaceRoot} from '../layout.js'
import {layeredSettings, type SettingsInputs} from '../settings.js'
import {DocumentStore} from '../store.js'
import {Workspace} from '../workspace.js'
import type {Variables} from './expression.js'
import {planProject, writePlannedFiles, type ProjectPlan, type WrittenFiles} from './new-project.js'
import type {Template} from './template.js'

export interface StartProjectOptions {
  template: Template
  variables: Variables
  /** The folder that receives the template's files; default: the workspace's root, or a new folder named after the project. */
  into?: string
  cwd?: string
  dryRun?: boolean
  /** How to initialise a new workspace (psp's version, its merge driver program). */
  init: Omit<InitOptions, 'name'>
  /** The environment and `-c` flags the settings are layered with (default: process.env, no flags). */
  settings?: SettingsInputs
}

/** What psp new did, or would do. */
export interface StartProjectReport {
  dryRun: boolean
  workspace: string
  /** True when the target was not in a workspace and became one. */
  initialised: boolean
  /** With dryRun, the files psp init would create for a new workspace (workspace-relative). */
  initFiles?: string[]
  plan: ProjectPlan
}

/** Plans and (unless dryRun) writes a project from a template. */
export async function startProject(options: StartProjectOptions): Promise<StartProjectReport> {
  const cwd = options.cwd ?? process.cwd()
  const into = options.into === undefined ? undefined : path.resolve(cwd, options.into)
  if (into !== undefined && fs.existsSync(into) && !fs.statSync(into).isDirectory()) throw new UsageError(`--into ${options.into} is a file, not a folder`)
  const inputs: SettingsInputs = options.settings ?? {env: process.env}
  const open = (root: string) => Workspace.open(root, inputs)
  const root = findWorkspaceRoot(into ?? cwd)
  if (root !== undefined) {
    const ws = open(root)
    const store = new DocumentStore(ws)
    const plan = planProject(store, options.template, options.variables, into ?? root)
    if (!options.dryRun) {
      const files = writePlannedFiles(plan.files)
      try {
        store.writeBatch(plan.records)
      } catch (error) {
        files.rollback()
        throw error
      }
    }
    return {dryRun: options.dryRun === true, workspace: root, initialised: false, plan}
  }

  // A new workspace: planned against an empty one with the settings it will have, psp init's
  // file under the user's settings, the environment and the flags.
  const target = into ?? path.resolve(cwd, String(options.variables['slug'] || 'project'))
  const existed = fs.existsSync(target)
  const name = String(options.variables['name'])
  const planned = new DocumentStore(Workspace.at(target, layeredSettings(settingsTemplate(name), path.basename(target), inputs)))
  const plan = planProject(planned, options.template, options.variables, target)
  if (options.dryRun) {
    return {dryRun: true, workspace: target, initialised: true, initFiles: await initFilesOf(target, name, options.init), plan}
  }
  let files: WrittenFiles | undefined
  try {
    // Files first: a template's .gitignore is kept and psp init adds its lines to it.
    files = writePlannedFiles(plan.files)
    await initWorkspace(target, {...options.init, name})
    new DocumentStore(open(target)).writeBatch(plan.records)
  } catch (error) {
    // A folder made for this project goes entirely; in a folder that was there, the files.
    if (existed) files?.rollback()
    else fs.rmSync(target, {recursive: true, force: true})
    throw error
  }
  return {dryRun: false, workspace: target, initialised: true, plan}
}

/**
 * The files psp init would create in `target`, found by initialising a scratch folder the same
 * way (exact for a new folder; in an existing one, init also keeps what is there).
 */
async function initFilesOf(target: string, name: string, init: Omit<InitOptions, 'name'>): Promise<string[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-init-'))
  try {
    const report = await initWorkspace(scratch, {pspVersion: init.pspVersion, name})
    return report.created
      .filter((rel) => rel !== '.git/' && !fs.existsSync(path.join(target, ...rel.split('/'))))
      .sort()
  } finally {
    fs.rmSync(scratch, {recursive: true, force: true})
  }
}
