/**
 * createTemplateFromProject: a project with milestones and dependent, dated tasks made into a
 * template (dates as offsets from `start`, ids as keys, {{ escaped, outside dependencies dropped
 * and reported), and the round trip: psp new from it gives back the same plan.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {ConflictError, type DocumentRecord, type DocumentStore, UsageError} from '@psp/core'
import {createTemplateFromProject, findTemplate, readTemplate, startProject, type PlanDocument} from '@psp/core/templates'
import {snapshotFiles, TEST_VERSION, thrown, useWorkspaces} from '../_helpers.js'
import {storeAt, variablesFor} from './_templates.js'

const newWorkspace = useWorkspaces()

let root: string
let store: DocumentStore
let ids: Record<string, string>

beforeEach(async () => {
  root = await newWorkspace()
  store = storeAt(root)
  ids = {}
  const make = (name: string, type: string, title: string, fields: Record<string, unknown> = {}, body = '') => {
    ids[name] = store.create({type, title, fields, body}).record.id
    return ids[name] as string
  }
  const project = make('project', 'project', 'Website Relaunch', {status: 'active', start: '2025-01-06', due: '2025-03-31', owner: 'ada', tags: ['web']}, '# Plan\n\nKeep {{ braces }} as they are.\n')
  make('other', 'task', 'Outside work', {status: 'todo'})
  // Created out of date order: the template numbers milestones by due date.
  make('launch', 'milestone', 'Launch', {project, status: 'open', due: '2025-03-31'})
  make('design-done', 'milestone', 'Design done', {project, status: 'done', due: '2025-01-27'})
  make('prep', 'task', 'Prepare', {project, status: 'done', due: '2025-01-03'})
  make('research', 'task', 'Research', {project, milestone: ids['design-done'], status: 'done', due: '2025-01-09', estimate: 8})
  make('design', 'task', 'Design', {project, milestone: ids['design-done'], status: 'in-progress', depends_on: [ids['research'], ids['other']], due: '2025-01-27'})
  make('review', 'task', 'Review the design', {project, status: 'todo', depends_on: [ids['design']], due: '2025-02-03', priority: 'high'})
  make('build', 'task', 'Build {{ it }}', {project, milestone: ids['launch'], status: 'todo', depends_on: [ids['design'], ids['review']], due: '2025-03-24'}, `After [[${ids['design']}]], not [[${ids['other']}]]; \\{{ stays }} and {{ too }}.\n`)
})

/** A template document by key. */
function docOf(documents: PlanDocument[], key: string): PlanDocument {
  const found = documents.find((d) => d.key === key)
  expect(found, key).toBeDefined()
  return found as PlanDocument
}

describe('createTemplateFromProject', () => {
  it('writes data/templates/<name>/ with keys and offsets from start, the project active and its milestones open', () => {
    const report = createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    expect(report.anchor).toBe('2025-01-06')
    expect(report.files).toEqual([
      'data/templates/relaunch/plan/milestones/1-design-done.md',
      'data/templates/relaunch/plan/milestones/2-launch.md',
      'data/templates/relaunch/plan/project.md',
      'data/templates/relaunch/plan/tasks/build-it.md',
      'data/templates/relaunch/plan/tasks/design.md',
      'data/templates/relaunch/plan/tasks/prepare.md',
      'data/templates/relaunch/plan/tasks/research.md',
      'data/templates/relaunch/plan/tasks/review-the-design.md',
      'data/templates/relaunch/template.yaml',
    ])
    for (const file of report.files) expect(fs.existsSync(path.join(root, file)), file).toBe(true)

    const {template} = report
    expect(template).toMatchObject({name: 'relaunch', source: 'workspace', root: path.join(root, 'data/templates/relaunch')})
    expect(template.manifest).toEqual({
      schema: 1,
      name: 'relaunch',
      description: 'Made from the project "Website Relaunch"',
      variables: {start: {type: 'date', description: 'First day of the project', default: 'today'}},
    })
    const docs = template.documents
    expect(docs.map((d) => d.key)).toEqual(['project', 'design-done', 'launch', 'research', 'design', 'review-the-design', 'build-it', 'prepare'])

    const project = docOf(docs, 'project')
    expect(project.title).toBe('{{ name }}')
    expect(project.fields).toEqual({status: 'active', start: '{{ start }}', due: '{{ start + 12w }}', owner: 'ada', tags: ['web']})
    expect(project.body).toContain('Keep \\{{ braces }} as they are.')

    expect(docOf(docs, 'design-done').fields).toEqual({status: 'open', due: '{{ start + 3w }}'})
    expect(docOf(docs, 'launch').fields).toEqual({status: 'open', due: '{{ start + 12w }}'})
    expect(docOf(docs, 'prepare').fields).toEqual({due: '{{ start - 3d }}'})
    expect(docOf(docs, 'research').fields).toEqual({milestone: 'design-done', due: '{{ start + 3d }}', estimate: 8})
    expect(docOf(docs, 'design').fields).toEqual({milestone: 'design-done', depends_on: ['research'], due: '{{ start + 3w }}'})
    expect(docOf(docs, 'review-the-design').fields).toEqual({depends_on: ['design'], due: '{{ start + 4w }}', priority: 'high'})

    const build = docOf(docs, 'build-it')
    expect(build.title).toBe('Build \\{{ it }}')
    expect(build.fields).toEqual({milestone: 'launch', depends_on: ['design', 'review-the-design'], due: '{{ start + 11w }}'})
    expect(build.body).toContain(`After [[design]], not [[${ids['other']}]]; \\\\{{ stays }} and \\{{ too }}.`)
  })

  it('reports the dependencies it had to drop', () => {
    const report = createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    expect(report.droppedDependencies).toEqual([{task: ids['design'], on: ids['other']}])
  })

  it('names the template after the project by default, and takes a description', () => {
    const report = createTemplateFromProject(store, ids['project'] as string, {description: 'Our relaunch plan'})
    expect(report.template.name).toBe('website-relaunch')
    expect(report.template.manifest.description).toBe('Our relaunch plan')
    // Found by name in the workspace's templates from now on.
    expect(findTemplate('website-relaunch', [{dir: path.join(root, 'data/templates'), source: 'workspace'}]).root).toBe(path.join(root, 'data/templates/website-relaunch'))
  })

  it('refuses a name that is taken, writing nothing', () => {
    createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    const before = snapshotFiles(root, ['data/cache'])
    const error = thrown(() => createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'}))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toBe('data/templates/relaunch already exists: choose another --name')
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('refuses a name that cannot be a template name', () => {
    const before = snapshotFiles(root, ['data/cache'])
    expect(thrown(() => createTemplateFromProject(store, ids['project'] as string, {name: 'Not OK'}))).toBeInstanceOf(UsageError)
    expect(thrown(() => createTemplateFromProject(store, ids['project'] as string, {name: '../escape'}))).toBeInstanceOf(UsageError)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('gives records of the same title keys of their own', () => {
    const project = store.create({type: 'project', title: 'Twins'}).record
    const first = store.create({type: 'task', title: 'Same', fields: {project: project.id}}).record
    store.create({type: 'task', title: 'Same', fields: {project: project.id, depends_on: [first.id]}})
    const report = createTemplateFromProject(store, project.id)
    const same = report.template.documents.filter((d) => d.title === 'Same')
    expect(same.map((d) => d.key).sort()).toEqual(['same', 'same-2'])
    // The dependency follows the record, whichever key it got.
    const dependent = same.find((d) => d.fields['depends_on'] !== undefined) as PlanDocument
    expect(dependent.fields['depends_on']).toEqual([same.find((d) => d !== dependent)?.key])
  })

  it('counts from the earliest date when the project has no start', () => {
    const project = store.create({type: 'project', title: 'No Start', fields: {status: 'active'}}).record
    store.create({type: 'task', title: 'Late', fields: {project: project.id, due: '2025-05-20'}})
    store.create({type: 'task', title: 'Early', fields: {project: project.id, due: '2025-05-06'}})
    const report = createTemplateFromProject(store, project.id)
    expect(report.anchor).toBe('2025-05-06')
    expect(docOf(report.template.documents, 'early').fields['due']).toBe('{{ start }}')
    expect(docOf(report.template.documents, 'late').fields['due']).toBe('{{ start + 2w }}')
  })

  it('makes a template of a project whose records have a field named key', () => {
    const project = store.create({type: 'project', title: 'Tracked'}).record
    const first = store.create({type: 'task', title: 'First', fields: {project: project.id, key: 'PROJ-12'}}).record
    store.create({type: 'task', title: 'Second', fields: {project: project.id, key: 'proj-13', depends_on: [first.id]}})
    const report = createTemplateFromProject(store, project.id)
    expect(docOf(report.template.documents, 'second').fields['depends_on']).toEqual(['first'])
  })

  it('leaves archived records behind', () => {
    const gone = store.create({type: 'task', title: 'Old idea', fields: {project: ids['project']}}).record
    store.archive(gone.id)
    const report = createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    expect(report.template.documents.map((d) => d.key)).not.toContain('old-idea')
  })
})

describe('the round trip', () => {
  /** The workspace's records of a project, by title (duplicate titles numbered). */
  function plan(projectId: string): Map<string, DocumentRecord> {
    const records = storeAt(root)
      .list()
      .filter((r) => r.id === projectId || r.data['project'] === projectId)
    return new Map(records.map((r) => [r.type === 'project' ? '(project)' : `${r.title} ${r.data['due']}`, r]))
  }

  /** A record's plan: dates, dependencies and milestone by the other records' titles. */
  function shape(records: Map<string, DocumentRecord>) {
    const titleOf = new Map([...records].map(([name, r]) => [r.id, name]))
    const mapped = (value: unknown) => (Array.isArray(value) ? value.map((id) => titleOf.get(id) ?? `outside:${id}`) : value === undefined ? undefined : (titleOf.get(value as string) ?? `outside:${value}`))
    return [...records].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, r]) => ({name, type: r.type, due: r.data['due'], start: r.data['start'], milestone: mapped(r.data['milestone']), depends_on: mapped(r.data['depends_on']), estimate: r.data['estimate']}))
  }

  it('psp new from the template with the same start gives back the dates, titles and dependencies', async () => {
    const created = createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    const template = readTemplate(created.template.root, 'workspace')
    const report = await startProject({template, variables: await variablesFor(template, 'Website Relaunch', {start: '2025-01-06'}), cwd: root, init: {pspVersion: TEST_VERSION}})
    const copyId = report.plan.records[0]?.parsed.record.id as string
    const original = plan(ids['project'] as string)
    const copy = plan(copyId)
    // The one dependency on a task outside the project is the difference.
    const expected = shape(original).map((entry) => (entry.name === 'Design 2025-01-27' ? {...entry, depends_on: ['Research 2025-01-09']} : entry))
    expect(shape(copy)).toEqual(expected)
    expect(copy.get('(project)')?.data).toMatchObject({title: 'Website Relaunch', owner: 'ada', start: '2025-01-06', due: '2025-03-31'})
    // Where the project stood stays behind: tasks start at the workflow's default, milestones open.
    expect(copy.get('(project)')?.data['status']).toBe('active')
    expect(copy.get('Research 2025-01-09')?.data['status']).toBe('todo')
    expect(copy.get('Design done 2025-01-27')?.data['status']).toBe('open')
    // Braces come back as they were, links point at the copies.
    const build = copy.get('Build {{ it }} 2025-03-24') as DocumentRecord
    const design = copy.get('Design 2025-01-27') as DocumentRecord
    expect(build.body).toContain(`After [[${design.id}]], not [[${ids['other']}]]; \\{{ stays }} and {{ too }}.`)
    expect(copy.get('(project)')?.body).toContain('Keep {{ braces }} as they are.')
  })

  it('a later start moves every date by as much', async () => {
    const created = createTemplateFromProject(store, ids['project'] as string, {name: 'relaunch'})
    const template = readTemplate(created.template.root, 'workspace')
    const report = await startProject({template, variables: await variablesFor(template, 'Next', {start: '2025-06-02'}), cwd: root, init: {pspVersion: TEST_VERSION}})
    const dues = report.plan.records.map((r) => [r.parsed.record.title, r.parsed.record.data['due']])
    expect(Object.fromEntries(dues)).toMatchObject({Next: '2025-08-25', 'Design done': '2025-06-23', Launch: '2025-08-25', Prepare: '2025-05-30', Research: '2025-06-05', 'Build {{ it }}': '2025-08-18'})
  })
})
