/**
 * What the template commands share: where templates are looked for, turning a template argument
 * (a name, a folder, a git URL) into a template, and asking for variables on a terminal.
 */
import path from 'node:path'
import type {Config} from '@oclif/core'
import {findWorkspaceRoot, LAYOUT, splitAssignment, userSettingsPath} from '@psp/core'
import {
  coerceVariable,
  fetchTemplate,
  findTemplate,
  isGitSpec,
  todayString,
  type AskVariable,
  type Template,
  type TemplateRoot,
  type VariableDefinition,
} from '@psp/core/templates'

/** The user's own templates: `templates/` beside the user's settings file (docs/configuration.md). */
export function userTemplatesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(userSettingsPath(env)), 'templates')
}

/**
 * Where templates are looked for, first match wins: the workspace's data/templates/, the
 * user's, the plugins' (a plugin names its folder in package.json, `psp.templates`), psp's own.
 */
export function templateRoots(config: Config, cwd: string = process.cwd()): TemplateRoot[] {
  const roots: TemplateRoot[] = []
  const workspace = findWorkspaceRoot(cwd)
  if (workspace !== undefined) roots.push({dir: path.join(workspace, ...LAYOUT.templates.split('/')), source: 'workspace'})
  roots.push({dir: userTemplatesDir(), source: 'user'})
  for (const plugin of config.getPluginsList()) {
    const dir = (plugin.pjson as {psp?: {templates?: unknown}}).psp?.templates
    if (typeof dir === 'string' && plugin.root !== config.root) roots.push({dir: path.resolve(plugin.root, dir), source: 'plugin', plugin: plugin.name})
  }
  roots.push({dir: path.join(config.root, 'templates'), source: 'builtin'})
  return roots
}

/** A template ready to use, and how to let go of it (a fetched one lives in a temporary folder). */
export interface OpenedTemplate {
  template: Template
  /** The commit a git template was read from. */
  commit?: string
  dispose(): void
}

/** Opens the template an argument names: a git URL (fetched), a folder, or a name. */
export async function openTemplate(spec: string, config: Config): Promise<OpenedTemplate> {
  if (isGitSpec(spec)) {
    const fetched = await fetchTemplate(spec, {interactive: process.stdin.isTTY === true})
    return {template: fetched.template, commit: fetched.commit, dispose: fetched.dispose}
  }
  return {template: findTemplate(spec, templateRoots(config)), dispose: () => {}}
}

/** `--var key=value` flags as a map (a later value for a key wins). */
export function parseVarFlags(assignments: readonly string[] | undefined): Record<string, string> {
  const given: Record<string, string> = {}
  for (const assignment of assignments ?? []) {
    const [key, value] = splitAssignment(assignment, '--var')
    given[key] = value
  }
  return given
}

/** True for the error @inquirer/prompts throws when the user interrupts a prompt (Ctrl-C). */
export function isPromptCancel(error: unknown): boolean {
  const name = (error as Error | undefined)?.name
  return name === 'ExitPromptError' || name === 'AbortPromptError'
}

/** True when psp may ask questions: a person at a terminal (stdin), never in a pipe or CI. */
export function canAsk(): boolean {
  return process.stdin.isTTY === true
}

/**
 * Asks for a variable on the terminal with @inquirer/prompts, on stderr so that stdout keeps
 * only data: a list for a choice, yes/no for a boolean, a checked line for the rest.
 */
export const askVariable: AskVariable = async (name: string, def: VariableDefinition, suggested: unknown) => {
  const prompts = await import('@inquirer/prompts')
  const context = {output: process.stderr}
  const message = def.description === undefined ? name : `${name} (${def.description})`
  const today = todayString()
  if (def.type === 'choice') {
    const choices = (def.choices ?? []).map((value) => ({value, name: value}))
    return prompts.select({message, choices, ...(typeof suggested === 'string' ? {default: suggested} : {})}, context)
  }
  if (def.type === 'boolean') {
    const initial = suggested === undefined ? undefined : coerceVariable(name, def, suggested, today) === true
    return prompts.confirm({message, ...(initial === undefined ? {} : {default: initial})}, context)
  }
  const hint = def.type === 'date' ? ' [YYYY-MM-DD or today]' : ''
  return prompts.input(
    {
      message: `${message}${hint}`,
      ...(suggested === undefined ? {} : {default: String(suggested)}),
      required: suggested === undefined,
      validate: (value: string) => {
        if (value === '' && suggested !== undefined) return true
        try {
          coerceVariable(name, def, value, today)
          return true
        } catch (error) {
          return (error as Error).message
        }
      },
    },
    context,
  )
}
