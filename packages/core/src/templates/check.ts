/**
 * `psp template validate`: everything that can be known about a template before anyone uses it.
 * Reading it already checks the manifest and the plan's shape; this adds every expression
 * (known variables, dates where dates are needed) and a trial run: the plan rendered with the
 * defaults (and a sample value for each required variable) and checked against the workspace's
 * schemas, as psp new would, writing nothing.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {PspError} from '../errors.js'
import {formatLocated} from '../errors.js'
import type {DocumentStore} from '../store.js'
import {checkExpression, ExpressionError, expressionsIn, expressionsInValue, type Expression, type Variables} from './expression.js'
import {variableKinds, type VariableDefinition} from './manifest.js'
import {planProject} from './new-project.js'
import type {Template} from './template.js'
import {resolveVariables} from './variables.js'

/** One problem of a template, located in it. */
export interface TemplateProblem {
  /** Template-relative file, e.g. `plan/tasks/design.md`. */
  file: string
  line?: number
  field?: string
  message: string
}

/** The result of checking a template. */
export interface TemplateCheck {
  name: string
  source: string
  valid: boolean
  problems: TemplateProblem[]
  /** What the trial run planned: documents by type, and files. */
  planned?: {documents: Record<string, number>; files: number}
}

/** Strings tried as a required string's sample value, the first its pattern accepts. */
const SAMPLE_STRINGS = ['sample', 'sample-1', 'Sample', 'SAMPLE', 'sample_1', 's', 'S', '1', 'sample@example.com', 'https://example.com/sample']

/** A value for a required variable in the trial run (undefined: none found; the caller says so). */
function sampleValue(def: VariableDefinition, today: string): string | undefined {
  switch (def.type) {
    case 'integer':
    case 'number':
      return String(def.min ?? def.max ?? 1)
    case 'boolean':
      return 'false'
    case 'date':
      return today
    case 'choice':
      return def.choices?.[0] ?? ''
    default: {
      if (def.pattern === undefined) return 'sample'
      const pattern = new RegExp(`^(?:${def.pattern})$`, 'u')
      return SAMPLE_STRINGS.find((s) => pattern.test(s))
    }
  }
}

/**
 * Checks a template read by readTemplate against the store's workspace (its schemas, statuses
 * and priorities). Problems are collected, not thrown.
 */
export async function checkTemplate(template: Template, store: DocumentStore, today: string, values: Record<string, string> = {}): Promise<TemplateCheck> {
  const problems: TemplateProblem[] = []
  const kinds = variableKinds(template.manifest)
  const check = (file: string, field: string | undefined, expressions: () => Expression[]) => {
    try {
      for (const expression of expressions()) checkExpression(expression, kinds)
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error
      problems.push({file, ...(field === undefined ? {} : {field}), message: error.message})
    }
  }
  for (const doc of template.documents) {
    check(doc.file, 'title', () => expressionsIn(doc.title))
    for (const [field, value] of Object.entries(doc.fields)) check(doc.file, field, () => expressionsInValue(value))
    check(doc.file, undefined, () => expressionsIn(doc.body))
  }
  for (const file of template.files) {
    check(`files/${file.path}`, undefined, () => file.path.split('/').flatMap((segment) => expressionsIn(segment)))
    if (!file.binary) check(`files/${file.path}`, undefined, () => expressionsIn(fs.readFileSync(file.absolute, 'utf8')))
  }
  let planned: TemplateCheck['planned']
  if (problems.length === 0) {
    const given: Record<string, string> = {}
    for (const [name, def] of Object.entries(template.manifest.variables)) {
      if (Object.hasOwn(values, name) || def.default !== undefined) continue
      const sample = sampleValue(def, today)
      if (sample === undefined) {
        problems.push({file: 'template.yaml', field: `variables.${name}`, message: `no sample value matches its pattern for the trial run: give one with --var ${name}=…`})
      } else {
        given[name] = sample
      }
    }
    Object.assign(given, values)
    if (problems.length > 0) return {name: template.name, source: template.source, valid: false, problems}
    const target = path.join(os.tmpdir(), `psp-template-check-${process.pid}-${Date.now()}`)
    try {
      const variables: Variables = await resolveVariables(template.manifest, {name: 'Sample project', given, today})
      const plan = planProject(store, template, variables, target)
      const documents: Record<string, number> = {}
      for (const record of plan.records) documents[record.parsed.record.type] = (documents[record.parsed.record.type] ?? 0) + 1
      planned = {documents, files: plan.files.length}
    } catch (error) {
      if (!(error instanceof PspError)) throw error
      const {path: where, line, field} = error.location
      const file = where?.startsWith(`${template.name}/`) ? where.slice(template.name.length + 1) : (where ?? 'template.yaml')
      problems.push({file, ...(line === undefined ? {} : {line}), ...(field === undefined ? {} : {field}), message: error.message})
    }
  }
  return {name: template.name, source: template.source, valid: problems.length === 0, problems, ...(planned === undefined ? {} : {planned})}
}

/** A problem as one line: `template/file: field: message`. */
export function formatTemplateProblem(name: string, problem: TemplateProblem): string {
  return formatLocated({path: `${name}/${problem.file}`, line: problem.line, field: problem.field}, problem.message)
}
