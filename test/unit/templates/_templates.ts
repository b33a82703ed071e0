/**
 * Shared helpers of the template unit tests: where the built-in templates are, and small
 * templates written file by file into throw-away folders.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {DocumentStore, Workspace} from '@psp/core'
import {readTemplate, resolveVariables, type Template, type Variables} from '@psp/core/templates'
import {doc} from '../_helpers.js'

/** psp's built-in templates (the repository's templates/ folder). */
export const BUILTIN_DIR = fileURLToPath(new URL('../../../templates', import.meta.url))

/**
 * Frozen copies of built-ins (test/fixtures/templates/unit/): tests that check exact dates and
 * keys use them, so that they do not follow edits to the built-ins.
 */
export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/templates/unit', import.meta.url))

/** A fixed "today", so that nothing depends on the day the tests run. */
export const TODAY = '2025-01-15'

/** A template.yaml: the name, and the `variables:` block's lines (indented by the caller). */
export function manifest(name: string, variables: string[] = [], description = 'A test template'): string {
  return [`schema: 1`, `name: ${name}`, `description: ${JSON.stringify(description)}`, ...(variables.length === 0 ? [] : ['variables:', ...variables]), ''].join('\n')
}

/** A plan document: frontmatter lines and a body. */
export function planDoc(frontmatter: string[], body = ''): string {
  return doc(frontmatter, body)
}

/** The plan of the smallest valid template: one project titled after the name. */
export const PROJECT_ONLY: Record<string, string> = {'plan/project.md': planDoc(['type: project', 'title: "{{ name }}"'])}

/**
 * Writes a template folder: `files` maps template-relative paths (forward slashes) to contents.
 * Without a template.yaml in `files`, one named after the folder is written.
 */
export function writeTemplate(dir: string, files: Record<string, string | Uint8Array>): string {
  fs.mkdirSync(dir, {recursive: true})
  if (files['template.yaml'] === undefined) fs.writeFileSync(path.join(dir, 'template.yaml'), manifest(path.basename(dir)))
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'))
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, content)
  }
  return dir
}

/** A built-in template, read. */
export function builtin(name: string): Template {
  return readTemplate(path.join(BUILTIN_DIR, name), 'builtin')
}

/** The frozen copy of the built-in software-release template, read as a built-in. */
export function release(): Template {
  return readTemplate(path.join(FIXTURE_DIR, 'software-release'), 'builtin')
}

/** A store over the workspace at `root`. */
export function storeAt(root: string): DocumentStore {
  return new DocumentStore(Workspace.open(root))
}

/** A template's variables for `name` and the given values, with TODAY as today. */
export function variablesFor(template: Template, name: string, given: Record<string, string> = {}): Promise<Variables> {
  return resolveVariables(template.manifest, {name, given, today: TODAY})
}

/** Copies a folder (a built-in template) so that a test may add to it. */
export function copyDir(from: string, to: string): string {
  fs.cpSync(from, to, {recursive: true})
  return to
}
