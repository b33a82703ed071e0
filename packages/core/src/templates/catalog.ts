/**
 * Where templates are found: folders of templates searched in order — the workspace's
 * data/templates/, then those of plugins, then psp's built-in ones — so that a workspace
 * template overrides a built-in of the same name.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, PspError, UsageError} from '../errors.js'
import {MANIFEST_FILE} from './manifest.js'
import {readTemplate, type Template, type TemplateSource} from './template.js'

/** A folder holding templates, one per subfolder. */
export interface TemplateRoot {
  dir: string
  source: TemplateSource
  /** The plugin that brings it, for `plugin` roots. */
  plugin?: string
}

/** A template as psp template list shows it. */
export interface TemplateEntry {
  name: string
  source: TemplateSource
  plugin?: string
  root: string
  description?: string
  /** Set when a template of the same name earlier in the search order hides this one. */
  overriddenBy?: TemplateSource
  /** Why the template cannot be used (its manifest or plan is broken). */
  problem?: string
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/

/** Every template in the roots, in search order; hidden ones are marked, broken ones explained. */
export function listTemplates(roots: TemplateRoot[]): TemplateEntry[] {
  const out: TemplateEntry[] = []
  const winners = new Map<string, TemplateSource>()
  for (const root of roots) {
    let names: string[]
    try {
      names = fs.readdirSync(root.dir).sort()
    } catch {
      continue
    }
    for (const name of names) {
      const dir = path.join(root.dir, name)
      if (!NAME_PATTERN.test(name) || !fs.existsSync(path.join(dir, MANIFEST_FILE))) continue
      const entry: TemplateEntry = {name, source: root.source, root: dir, ...(root.plugin === undefined ? {} : {plugin: root.plugin})}
      try {
        const template = readNamed(dir, name, root.source)
        entry.description = template.manifest.description
      } catch (error) {
        if (!(error instanceof PspError)) throw error
        entry.problem = error.toLine()
      }
      const winner = winners.get(name)
      if (winner === undefined) winners.set(name, root.source)
      else entry.overriddenBy = winner
      out.push(entry)
    }
  }
  return out
}

/** True when a template argument names a folder rather than a template (`./my-template`). */
export function isFolderSpec(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || spec === '.' || spec === '..'
}

/**
 * The template `spec` names: a folder path (`./x`, `../templates/x`, absolute), or a name found
 * in the roots. A name nobody has is a NotFoundError listing the names there are.
 */
export function findTemplate(spec: string, roots: TemplateRoot[], cwd: string = process.cwd()): Template {
  if (isFolderSpec(spec)) {
    const dir = path.resolve(cwd, spec)
    if (!fs.existsSync(dir)) throw new NotFoundError(`no template folder ${spec}`)
    return readTemplate(dir, 'folder')
  }
  if (!NAME_PATTERN.test(spec)) throw new UsageError(`"${spec}" is not a template name: lower-case letters, digits and dashes`)
  for (const root of roots) {
    const dir = path.join(root.dir, spec)
    if (fs.existsSync(path.join(dir, MANIFEST_FILE))) return readNamed(dir, spec, root.source)
  }
  const names = [...new Set(listTemplates(roots).map((t) => t.name))]
  throw new NotFoundError(`no template named "${spec}"`, {
    hint: names.length === 0 ? 'psp template list shows the templates there are' : `templates: ${names.join(', ')}`,
    data: {templates: names},
  })
}

/** Reads a template found by name: its manifest must carry the same name as its folder. */
function readNamed(dir: string, name: string, source: TemplateSource): Template {
  const template = readTemplate(dir, source)
  if (template.manifest.name !== name) {
    throw new UsageError(`template folder ${name} holds a manifest named "${template.manifest.name}": rename one so they match`, {
      path: `${name}/${MANIFEST_FILE}`,
      field: 'name',
    })
  }
  return template
}
