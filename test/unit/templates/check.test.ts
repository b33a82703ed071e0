/**
 * checkTemplate (psp template validate): built-ins check valid and say what they would plan;
 * expressions over unknown variables are reported with the file they are in; the trial run
 * reports what the workspace refuses (a priority it does not know).
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import type {DocumentStore} from '@psp/core'
import {checkTemplate, formatTemplateProblem, readTemplate, type Template} from '@psp/core/templates'
import {snapshotFiles, useTempDirs, useWorkspaces} from '../_helpers.js'
import {builtin, BUILTIN_DIR, manifest, planDoc, PROJECT_ONLY, release, storeAt, TODAY, writeTemplate} from './_templates.js'

const newWorkspace = useWorkspaces()
const tempDir = useTempDirs()

let root: string
let store: DocumentStore

beforeEach(async () => {
  root = await newWorkspace()
  store = storeAt(root)
})

/** A template `t` with these files (a project-only plan unless they give one). */
function template(files: Record<string, string | Uint8Array>, variables: string[] = []): Template {
  return readTemplate(writeTemplate(path.join(tempDir(), 't'), {'template.yaml': manifest('t', variables), ...PROJECT_ONLY, ...files}), 'folder')
}

describe('checkTemplate', () => {
  it('finds the built-ins valid and counts what they would plan', async () => {
    expect(await checkTemplate(builtin('blank'), store, TODAY)).toEqual({name: 'blank', source: 'builtin', valid: true, problems: [], planned: {documents: {project: 1}, files: 0}})
    expect(await checkTemplate(release(), store, TODAY)).toEqual({
      name: 'software-release',
      source: 'builtin',
      valid: true,
      problems: [],
      planned: {documents: {project: 1, milestone: 4, task: 13}, files: 1},
    })
  })

  it("finds every one of psp's built-ins valid", async () => {
    for (const name of fs.readdirSync(BUILTIN_DIR).filter((n) => fs.existsSync(path.join(BUILTIN_DIR, n, 'template.yaml')))) {
      const check = await checkTemplate(builtin(name), store, TODAY)
      expect(check.problems, name).toEqual([])
      expect(check.planned?.documents['project'], name).toBe(1)
    }
  })

  it('writes nothing', async () => {
    const before = snapshotFiles(root, ['data/cache'])
    await checkTemplate(release(), store, TODAY)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('gives required variables sample values for the trial run', async () => {
    const check = await checkTemplate(
      template(
        {'plan/project.md': planDoc(['type: project', 'title: "{{ client }} {{ tier }}"', 'start: "{{ kickoff }}"', 'estimate: "{{ size }}"', 'public: "{{ open }}"'])},
        ['  client: {type: string}', '  tier: {type: choice, choices: [gold]}', '  kickoff: {type: date}', '  size: {type: integer, min: 3}', '  open: {type: boolean}'],
      ),
      store,
      TODAY,
    )
    expect(check.problems).toEqual([])
    expect(check.planned).toEqual({documents: {project: 1}, files: 0})
  })

  it('finds a sample for a required string with a pattern, or says to give one', async () => {
    const kebab = await checkTemplate(template({}, ['  code: {type: string, pattern: "[a-z]+-[0-9]"}']), store, TODAY)
    expect(kebab.problems).toEqual([])
    const ticket = template({'plan/project.md': planDoc(['type: project', 'title: "{{ code }}"'])}, ['  code: {type: string, pattern: "[A-Z]{3}-[0-9]+"}'])
    const check = await checkTemplate(ticket, store, TODAY)
    expect(check.valid).toBe(false)
    expect(check.problems).toEqual([{file: 'template.yaml', field: 'variables.code', message: 'no sample value matches its pattern for the trial run: give one with --var code=…'}])
    expect(await checkTemplate(ticket, store, TODAY, {code: 'ABC-12'})).toMatchObject({valid: true, problems: [], planned: {documents: {project: 1}}})
  })

  it('takes given values for the trial run, over the defaults', async () => {
    const check = await checkTemplate(template({'files/{{ dir }}/x.txt': 'x'}, ['  dir: {type: string, default: ok}']), store, TODAY, {dir: '.git'})
    expect(check.valid).toBe(false)
    expect(check.problems[0]?.message).toContain('a .git folder')
  })

  it('reports an unknown variable in a body, a title, a field, a file name and a file, each with its file', async () => {
    const check = await checkTemplate(
      template({
        'plan/tasks/a.md': planDoc(['type: task', 'title: "{{ nope_title }}"', 'due: "{{ start + 1w }}"'], 'Body {{ nope_body }}\n'),
        'files/{{ nope_path }}/x.txt': 'fine',
        'files/readme.md': 'Hello {{ nope_content }}\n',
        'files/logo.bin': Buffer.from([0, 1, 2, ...Buffer.from('{{ ignored_in_binary }}')]),
      }),
      store,
      TODAY,
    )
    expect(check.valid).toBe(false)
    expect(check.planned).toBeUndefined()
    expect(check.problems).toEqual([
      {file: 'plan/tasks/a.md', field: 'title', message: '{{nope_title}}: unknown variable "nope_title"'},
      {file: 'plan/tasks/a.md', field: 'due', message: '{{start + 1w}}: unknown variable "start"'},
      {file: 'plan/tasks/a.md', message: '{{nope_body}}: unknown variable "nope_body"'},
      {file: 'files/readme.md', message: '{{nope_content}}: unknown variable "nope_content"'},
      {file: 'files/{{ nope_path }}/x.txt', message: '{{nope_path}}: unknown variable "nope_path"'},
    ])
    expect(formatTemplateProblem('t', check.problems[0] as (typeof check.problems)[number])).toBe('t/plan/tasks/a.md: title: {{nope_title}}: unknown variable "nope_title"')
  })

  it('reports date arithmetic on a variable that is not a date', async () => {
    const check = await checkTemplate(template({'plan/project.md': planDoc(['type: project', 'title: P', 'due: "{{ owner + 2w }}"'])}, ['  owner: {type: string, default: x}']), store, TODAY)
    expect(check.problems).toEqual([{file: 'plan/project.md', field: 'due', message: '{{owner + 2w}}: "owner" is not a date: only dates take + and -'}])
  })

  it("reports a task whose priority is not one of the workspace's priorities", async () => {
    const check = await checkTemplate(template({'plan/tasks/a.md': planDoc(['type: task', 'title: A', 'priority: urgent'])}), store, TODAY)
    expect(check.valid).toBe(false)
    expect(check.problems).toHaveLength(1)
    expect(check.problems[0]).toMatchObject({file: 'plan/tasks/a.md', field: 'priority'})
    expect(check.problems[0]?.message).toContain('urgent')
    // The same template is fine where "urgent" is a priority.
    const settings = path.join(root, 'config', 'settings.yaml')
    const text = fs.readFileSync(settings, 'utf8')
    const edited = text.replace(/^priorities: \[.*\]$/m, 'priorities: [low, medium, high, urgent]')
    expect(edited).not.toBe(text)
    fs.writeFileSync(settings, edited)
    const again = await checkTemplate(template({'plan/tasks/a.md': planDoc(['type: task', 'title: A', 'priority: urgent'])}), storeAt(root), TODAY)
    expect(again.problems).toEqual([])
  })

  it('reports a document type the workspace does not have', async () => {
    const check = await checkTemplate(template({'plan/widgets/w.md': planDoc(['type: widget', 'title: W'])}), store, TODAY)
    expect(check.valid).toBe(false)
    expect(check.problems).toHaveLength(1)
    expect(check.problems[0]?.message).toContain('unknown type "widget"')
  })

  it('reports a document type the workspace does not have on the document', async () => {
    const check = await checkTemplate(template({'plan/widgets/w.md': planDoc(['type: widget', 'title: W'])}), store, TODAY)
    expect(check.problems[0]).toMatchObject({file: 'plan/widgets/w.md'})
  })

  it('reports a file that would be refused in the trial run', async () => {
    const check = await checkTemplate(template({'files/{{ dir }}/x.txt': 'x'}, ['  dir: {type: string, default: ".git"}']), store, TODAY)
    expect(check.valid).toBe(false)
    expect(check.problems).toHaveLength(1)
    expect(check.problems[0]?.message).toContain('a .git folder')
  })
})
