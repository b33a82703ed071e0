/** What `psp new` and `psp template …` print, and their `--json` shapes. */
import path from 'node:path'
import {renderRowTable, shownPath, visible} from '@psp/command'
import type {StartProjectReport, TemplateCheck, TemplateEntry, Template} from '@psp/core/templates'
import {formatTemplateProblem, referenceKeys} from '@psp/core/templates'

const shown = shownPath

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `psp new`'s report: what it made (or would make), every path, and where to look next. */
export function newProjectLines(report: StartProjectReport, cwd: string): string {
  const {plan} = report
  const project = plan.records[0]?.parsed.record
  const verb = report.dryRun ? 'Would create' : 'Created'
  const lines = [`${verb} project ${project?.id} "${visible(project?.title ?? '')}" from template ${plan.template.name} (${plan.template.source})`]
  if (report.initialised) lines.push(`  ${report.dryRun ? 'would initialise' : 'initialised'} a psp workspace in ${shown(report.workspace, cwd)}`)
  for (const rel of report.initFiles ?? []) lines.push(`  ${shown(path.join(report.workspace, rel), cwd)}`)
  for (const record of plan.records) lines.push(`  ${shown(path.join(report.workspace, record.path), cwd)}`)
  for (const file of plan.files) lines.push(`  ${shown(file.absolute, cwd)}`)
  const counts = new Map<string, number>()
  for (const record of plan.records.slice(1)) counts.set(record.parsed.record.type, (counts.get(record.parsed.record.type) ?? 0) + 1)
  const parts = [...counts].map(([type, n]) => plural(n, type))
  if (plan.files.length > 0) parts.push(plural(plan.files.length, 'file'))
  const summary = parts.length === 0 ? 'the project alone' : parts.join(', ')
  lines.push(report.dryRun ? `${summary}: dry run, nothing written` : `${summary}. See it: psp board --project ${project?.id}`)
  return lines.join('\n')
}

/** `psp new --json`. */
export function newProjectJson(report: StartProjectReport, commit?: string) {
  const {plan} = report
  const project = plan.records[0]?.parsed.record
  return {
    dryRun: report.dryRun,
    template: {...plan.template, ...(commit === undefined ? {} : {commit})},
    workspace: report.workspace,
    initialised: report.initialised,
    ...(report.initFiles === undefined ? {} : {initFiles: report.initFiles}),
    variables: plan.variables,
    project: {id: project?.id, title: project?.title, path: plan.records[0]?.path},
    documents: plan.records.map((r) => ({key: r.key, id: r.parsed.record.id, type: r.parsed.record.type, title: r.parsed.record.title, path: r.path})),
    target: plan.target,
    files: plan.files.map((f) => ({path: f.path, from: f.from})),
  }
}

/**
 * `psp template list`: a table of name, source and description; hidden and broken templates say
 * so. A template's text may come from anyone's repository: the table shows control characters
 * escaped.
 */
export function templateListLines(entries: TemplateEntry[]): string {
  if (entries.length === 0) return 'No templates.'
  const rows = entries.map((e) => {
    const hidden = e.overriddenBy === undefined ? '' : ` (hidden by the ${e.overriddenBy} template of the same name)`
    return {name: e.name, source: e.plugin === undefined ? e.source : `plugin ${e.plugin}`, description: `${e.problem === undefined ? (e.description ?? '') : `BROKEN: ${e.problem}`}${hidden}`}
  })
  return renderRowTable(rows, ['name', 'source', 'description'])
}

/** A template's variables, plan and files, as psp template show prints them. */
export function templateShowLines(template: Template): string {
  const {manifest} = template
  const lines = [`${manifest.name} (${template.source}): ${visible(manifest.description)}`, '', 'Variables:']
  const rows: [string, string, string][] = [
    ['name', 'string', 'the project\'s name (the command\'s second argument)'],
    ['slug', 'string', 'the name as a slug (built in)'],
    ['today', 'date', 'today\'s date (built in)'],
  ]
  for (const [name, def] of Object.entries(manifest.variables)) {
    const type = def.type === 'choice' ? `one of ${(def.choices ?? []).join('|')}` : def.type
    const bounds = [def.min === undefined ? '' : `≥ ${def.min}`, def.max === undefined ? '' : `≤ ${def.max}`, def.pattern === undefined ? '' : `matches ${def.pattern}`].filter(Boolean).join(', ')
    const dflt = def.default === undefined ? 'required' : `default ${JSON.stringify(def.default)}`
    rows.push([name, visible(type), visible([def.description, bounds, dflt].filter(Boolean).join('; '))])
  }
  const nameWidth = Math.max(...rows.map((r) => r[0].length))
  const typeWidth = Math.max(...rows.map((r) => r[1].length))
  for (const [name, type, text] of rows) lines.push(`  ${name.padEnd(nameWidth)}  ${type.padEnd(typeWidth)}  ${text}`)
  lines.push('', 'Plan:')
  for (const doc of template.documents) {
    const deps = referenceKeys(doc, 'depends_on')
    const milestone = referenceKeys(doc, 'milestone')[0]
    const due = typeof doc.fields['due'] === 'string' ? ` due ${doc.fields['due']}` : ''
    const extra = [milestone === undefined ? '' : `milestone ${milestone}`, deps.length === 0 ? '' : `after ${deps.join(', ')}`].filter(Boolean).join('; ')
    lines.push(`  ${doc.type.padEnd(9)}  ${doc.key}: ${visible(`${doc.title}${due}${extra === '' ? '' : ` (${extra})`}`)}`)
  }
  if (template.files.length > 0) {
    lines.push('', 'Files:')
    for (const file of template.files) lines.push(`  ${visible(file.path)}${file.binary ? ' (copied as is)' : ''}`)
  }
  return lines.join('\n')
}

/** `psp template show --json`. */
export function templateShowJson(template: Template) {
  return {
    name: template.name,
    source: template.source,
    root: template.root,
    description: template.manifest.description,
    variables: template.manifest.variables,
    documents: template.documents.map((d) => ({file: d.file, key: d.key, type: d.type, title: d.title, fields: d.fields})),
    files: template.files.map((f) => ({path: f.path, binary: f.binary, executable: f.executable})),
  }
}

/** `psp template validate`: a line per template, then its problems. */
export function templateCheckLines(checks: TemplateCheck[]): string {
  const lines: string[] = []
  for (const check of checks) {
    if (check.valid) {
      const docs = Object.entries(check.planned?.documents ?? {}).map(([type, n]) => plural(n, type)).join(', ')
      const files = check.planned?.files ? `, ${plural(check.planned.files, 'file')}` : ''
      lines.push(`✓ ${check.name} (${check.source}): ${docs}${files}`)
    } else {
      lines.push(`✗ ${check.name} (${check.source}): ${plural(check.problems.length, 'problem')}`)
      for (const problem of check.problems) lines.push(`  ${visible(formatTemplateProblem(check.name, problem))}`)
    }
  }
  return lines.join('\n')
}
