/**
 * psp new in-process: planProject and startProject with real templates in real folders. Ids and
 * references, dates, optional fields, links, rendered files (names, executable bits, binary
 * bytes); and everything that must leave the disk as it was: dry runs, existing files, path
 * tricks through variables and links, files aimed at data/, and writes that fail part way.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {ConflictError, DocumentStore, IoError, PspError, UnsafeInputError, UsageError, validateWorkspace, Workspace, type DocumentRecord} from '@psp/core'
import {planProject, readTemplate, startProject, type ProjectPlan, type StartProjectOptions, type Template, type Variables} from '@psp/core/templates'
import {rejected, snapshotFiles, TEST_VERSION, thrown, useTempDirs, useWorkspaces, withZeroIds} from '../_helpers.js'
import {builtin, copyDir, FIXTURE_DIR, manifest, planDoc, PROJECT_ONLY, release, storeAt, variablesFor, writeTemplate} from './_templates.js'

const newWorkspace = useWorkspaces()
const tempDir = useTempDirs()

const ID = /[0-9a-hjkmnp-tv-z]{10}/.source
const INIT = {pspVersion: TEST_VERSION}

let root: string

beforeEach(async () => {
  root = await newWorkspace()
})

/** Plans and writes (or, with dryRun, only plans) a project in `root`. */
function start(template: Template, variables: Variables, extra: Partial<StartProjectOptions> = {}) {
  return startProject({template, variables, cwd: root, init: INIT, ...extra})
}

/** Every file of the workspace but the caches psp rebuilds as it pleases. */
function snap(skip: string[] = []): Map<string, Buffer> {
  return snapshotFiles(root, ['data/cache', ...skip])
}

/** The id each template key got. */
function idsOf(plan: ProjectPlan): Map<string, string> {
  return new Map(plan.records.map((r) => [r.key, r.parsed.record.id]))
}

/** The workspace's records by id, read again from disk. */
function recordsOnDisk(at: string = root): Map<string, DocumentRecord> {
  return new Map(storeAt(at).list().map((r) => [r.id, r]))
}

/** A template named `name` written into a new folder. */
function custom(name: string, files: Record<string, string | Uint8Array>, variables: string[] = []): Template {
  return readTemplate(writeTemplate(path.join(tempDir(), name), {'template.yaml': manifest(name, variables), ...PROJECT_ONLY, ...files}), 'folder')
}

/** A template whose one file's name is `{{ dir }}/x.txt`. */
const pathTemplate = () => custom('paths', {'files/{{ dir }}/x.txt': 'x'}, ['  dir: {type: string, default: ok}'])

describe('startProject in a workspace: software-release', () => {
  it('writes the project, its milestones and tasks with fresh ids, mapped references, dates and links, and the files', async () => {
    const template = release()
    const variables = await variablesFor(template, 'Apollo 2', {start: '2025-03-03'})
    const report = await start(template, variables)
    expect(report).toMatchObject({dryRun: false, workspace: root, initialised: false})
    const {plan} = report
    expect(plan.template).toEqual({name: 'software-release', source: 'builtin'})
    expect(plan.target).toBe(root)
    expect(plan.records.map((r) => r.parsed.record.type)).toEqual(['project', ...Array(4).fill('milestone'), ...Array(13).fill('task')])

    const ids = idsOf(plan)
    const id = (key: string) => ids.get(key) as string
    const projectId = id('project')
    expect(projectId).toMatch(new RegExp(`^proj-${ID}$`))
    for (const key of ['scope-agreed', 'beta', 'release-candidate', 'launched']) expect(id(key)).toMatch(new RegExp(`^ms-${ID}$`))
    for (const key of ['goals', 'scope', 'publish', 'retrospective']) expect(id(key)).toMatch(new RegExp(`^task-${ID}$`))
    expect(new Set(ids.values()).size).toBe(18)

    const onDisk = recordsOnDisk()
    expect(onDisk.size).toBe(18)
    const rec = (key: string) => onDisk.get(id(key)) as DocumentRecord
    const folder = `data/projects/${projectId}-apollo-2`
    expect(rec('project').path).toBe(`${folder}/project.md`)
    expect(rec('project').data).toEqual({id: projectId, type: 'project', title: 'Apollo 2', status: 'active', start: '2025-03-03', due: '2025-05-12', tags: ['release']})
    for (const record of onDisk.values()) {
      if (record.type === 'project') continue
      expect(record.data['project'], record.title).toBe(projectId)
      expect(record.path.startsWith(`${folder}/`), record.path).toBe(true)
    }
    expect(rec('scope-agreed').path).toBe(`${folder}/milestones/${id('scope-agreed')}-scope-agreed.md`)
    expect(rec('scope').path).toBe(`${folder}/tasks/${id('scope')}-agree-the-feature-scope-with.md`)

    // References hold the new ids.
    expect(rec('scope').data).toEqual({
      id: id('scope'),
      type: 'task',
      title: 'Agree the feature scope with stakeholders',
      status: 'todo',
      project: projectId,
      milestone: id('scope-agreed'),
      priority: 'high',
      depends_on: [id('goals')],
      estimate: 6,
      due: '2025-03-17',
    })
    expect(rec('go-no-go').data['depends_on']).toEqual([id('regression'), id('docs')])
    expect(rec('retrospective').data['milestone']).toBeUndefined()

    // Dates from start (2025-03-03) and launch (start + 10w = 2025-05-12).
    const due = (key: string) => rec(key).data['due']
    expect([due('scope-agreed'), due('beta'), due('release-candidate'), due('launched')]).toEqual(['2025-03-17', '2025-04-14', '2025-05-05', '2025-05-12'])
    expect([due('goals'), due('regression'), due('go-no-go'), due('publish'), due('retrospective')]).toEqual(['2025-03-10', '2025-05-09', '2025-05-11', '2025-05-12', '2025-05-19'])

    // The owner was left empty: no owner, no assignee.
    expect(rec('project').data).not.toHaveProperty('owner')
    expect(rec('goals').data).not.toHaveProperty('assignee')

    // [[key]] links become [[id]] links; the body's expressions are rendered.
    expect(rec('scope').body).toContain(`Starting from [[${id('goals')}]]: the list`)
    expect(rec('project').body).toContain('# Apollo 2\n\n**Launch:** 2025-05-12')
    expect(rec('docs').body).toContain('`docs/releases/apollo-2.md`')

    // The release notes, named after the slug.
    expect(plan.files.map((f) => [f.path, f.from])).toEqual([['docs/releases/apollo-2.md', 'docs/releases/{{ slug }}.md']])
    expect(fs.readFileSync(path.join(root, 'docs/releases/apollo-2.md'), 'utf8')).toMatch(/^# Apollo 2: release notes\n\nPlanned launch: 2025-05-12\n/)

    expect(validateWorkspace(Workspace.open(root)).problems).toEqual([])
  })

  it('sets optional fields that were given', async () => {
    const template = release()
    const plan = planProject(storeAt(root), template, await variablesFor(template, 'Apollo', {start: '2025-03-03', launch: '2025-04-01', owner: 'ada'}), root)
    const byKey = new Map(plan.records.map((r) => [r.key, r.parsed.record]))
    expect(byKey.get('project')?.data['owner']).toBe('ada')
    expect(byKey.get('goals')?.data['assignee']).toBe('ada')
    expect(byKey.get('go-no-go')?.data['due']).toBe('2025-03-31')
  })

  it('instantiates blank twice side by side, with different ids', async () => {
    const template = builtin('blank')
    const first = await start(template, await variablesFor(template, 'Same name'))
    const second = await start(template, await variablesFor(template, 'Same name'))
    expect(first.plan.records[0]?.parsed.record.data).toMatchObject({title: 'Same name', status: 'active', start: '2025-01-15'})
    expect(first.plan.records[0]?.path).not.toBe(second.plan.records[0]?.path)
    expect(recordsOnDisk().size).toBe(2)
  })

  it('puts files into --into, relative to cwd, and documents into data/', async () => {
    const template = release()
    const report = await start(template, await variablesFor(template, 'Apollo'), {into: 'site', cwd: root})
    expect(report.plan.target).toBe(path.join(root, 'site'))
    expect(fs.existsSync(path.join(root, 'site/docs/releases/apollo.md'))).toBe(true)
    expect(report.plan.records[0]?.path).toMatch(/^data\/projects\//)
  })
})

describe('planProject: rendered files', () => {
  it('renders names and text, keeps the executable bit, copies binary and non-UTF-8 files byte for byte', async () => {
    const dir = copyDir(path.join(FIXTURE_DIR, 'software-release'), path.join(tempDir(), 'release-plus'))
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, ...Buffer.from('{{ name }}'), 0xff, 0x00, 0x10])
    const latin1 = Buffer.from('café {{ name }}\n', 'latin1')
    writeTemplate(dir, {
      'template.yaml': fs.readFileSync(path.join(dir, 'template.yaml')),
      'files/bin/{{ slug }}-run.sh': '#!/bin/sh\necho "{{ name | upper }}"\n',
      'files/assets/logo.png': binary,
      'files/legacy.txt': latin1,
      'files/{{ slug }}/README.md': '# {{ name }}\r\n\r\nStarts {{ start }}, \\{{ literal }}.\r\n',
      'files/.editorconfig': 'root = true\n',
    })
    fs.chmodSync(path.join(dir, 'files/bin/{{ slug }}-run.sh'), 0o755)
    const template = readTemplate(dir, 'folder')
    const report = await start(template, await variablesFor(template, 'Apollo 2', {start: '2025-03-03'}))
    expect(report.plan.files.map((f) => f.path).sort()).toEqual(['.editorconfig', 'apollo-2/README.md', 'assets/logo.png', 'bin/apollo-2-run.sh', 'docs/releases/apollo-2.md', 'legacy.txt'])
    const read = (rel: string) => fs.readFileSync(path.join(root, rel))
    expect(read('bin/apollo-2-run.sh').toString()).toBe('#!/bin/sh\necho "APOLLO 2"\n')
    expect(fs.statSync(path.join(root, 'bin/apollo-2-run.sh')).mode & 0o111).not.toBe(0)
    expect(fs.statSync(path.join(root, 'apollo-2/README.md')).mode & 0o111).toBe(0)
    expect(read('assets/logo.png').equals(binary)).toBe(true)
    expect(read('legacy.txt').equals(latin1)).toBe(true)
    // Line ends kept, escapes resolved.
    expect(read('apollo-2/README.md').toString()).toBe('# Apollo 2\r\n\r\nStarts 2025-03-03, {{ literal }}.\r\n')
    expect(read('.editorconfig').toString()).toBe('root = true\n')
  })

  it('refuses two files that render to the same path', async () => {
    const template = custom('twins', {'files/{{ a }}.txt': '1', 'files/x.txt': '2'}, ['  a: {type: string, default: x}'])
    const error = thrown(() => planProject(storeAt(root), template, {name: 'T', slug: 't', today: '2025-01-15', a: 'x'}, root))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toContain('would both be written to x.txt')
  })

  it('refuses an expression error in a file, naming the file', async () => {
    const template = custom('broken', {'files/a.txt': 'Hello {{ name'})
    const variables = await variablesFor(template, 'T')
    const error = thrown(() => planProject(storeAt(root), template, variables, root))
    expect(error.location.path).toBe('broken/files/a.txt')
    expect(error.message).toContain('without "}}"')
  })

  it('refuses a title that renders empty, and an unknown variable in a document', async () => {
    let template = custom('empty-title', {'plan/project.md': planDoc(['type: project', 'title: "{{ owner }}"'])}, ['  owner: {type: string, default: ""}'])
    let error = thrown(() => planProject(storeAt(root), template, {name: 'T', slug: 't', today: '2025-01-15', owner: ''}, root))
    expect(error.message).toBe('title renders empty')
    expect(error.location).toMatchObject({path: 'empty-title/plan/project.md', field: 'title'})
    template = custom('unknown-var', {'plan/project.md': planDoc(['type: project', 'title: P'], '{{ nope }}\n')})
    error = thrown(() => planProject(storeAt(root), template, {name: 'T', slug: 't', today: '2025-01-15'}, root))
    expect(error.location.path).toBe('unknown-var/plan/project.md')
    expect(error.message).toContain('unknown variable "nope"')
  })

  it('keeps a field written as "" in the template, and a link to a key it does not know', async () => {
    const template = custom('literal', {
      'plan/project.md': planDoc(['type: project', 'title: P', 'summary: ""'], 'See [[project]], [[elsewhere]] and [[Not-A-Key]].\n'),
    })
    const plan = planProject(storeAt(root), template, await variablesFor(template, 'T'), root)
    const record = plan.records[0]?.parsed.record as DocumentRecord
    expect(record.data['summary']).toBe('')
    expect(record.body.trimStart()).toBe(`See [[${record.id}]], [[elsewhere]] and [[Not-A-Key]].\n`)
  })
})

describe('startProject: what leaves the disk as it was', () => {
  it('a dry run plans everything and writes nothing', async () => {
    const template = release()
    const before = snap()
    const report = await start(template, await variablesFor(template, 'Apollo'), {dryRun: true})
    expect(report.dryRun).toBe(true)
    expect(report.plan.records).toHaveLength(18)
    expect(report.plan.files).toHaveLength(1)
    expect(snap()).toEqual(before)
  })

  it('never overwrites a file: an existing target is a conflict and nothing is written', async () => {
    fs.mkdirSync(path.join(root, 'docs/releases'), {recursive: true})
    fs.writeFileSync(path.join(root, 'docs/releases/apollo.md'), 'mine')
    const before = snap()
    const template = release()
    const error = await rejected(start(template, await variablesFor(template, 'Apollo')))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toContain('docs/releases/apollo.md already exists: psp new never overwrites a file')
    expect(error.data['path']).toBe('docs/releases/apollo.md')
    expect(snap()).toEqual(before)
  })

  it('treats a link at the target, even a dangling one, as an existing file', async () => {
    fs.mkdirSync(path.join(root, 'docs/releases'), {recursive: true})
    fs.symlinkSync(path.join(tempDir(), 'nothing-here'), path.join(root, 'docs/releases/apollo.md'))
    const template = release()
    expect(await rejected(start(template, await variablesFor(template, 'Apollo')))).toBeInstanceOf(ConflictError)
  })

  it('refuses variable values that would make a file name leave its folder', async () => {
    const template = pathTemplate()
    const before = snap()
    const cases: [string, string][] = [
      ['../../escape', '/ or \\'],
      ['..', 'empty, . or ..'],
      ['.', 'empty, . or ..'],
      ['', 'empty, . or ..'],
      ['a/b', '/ or \\'],
      ['a\\b', '/ or \\'],
      ['/etc', '/ or \\'],
      ['.git', '.git folder'],
      ['.GIT', '.git folder'],
      ['C:', 'drive letter'],
      ['c:temp', 'drive letter'],
    ]
    for (const [dir, problem] of cases) {
      const error = await rejected(start(template, await variablesFor(template, 'T', {dir})))
      expect(error, dir).toBeInstanceOf(UnsafeInputError)
      expect(error.message, dir).toContain(problem)
      expect(error.message, dir).toContain('refused, nothing written')
    }
    expect(snap()).toEqual(before)
    // The same template with a harmless value works.
    await start(template, await variablesFor(template, 'T', {dir: 'fine'}))
    expect(fs.readFileSync(path.join(root, 'fine/x.txt'), 'utf8')).toBe('x')
  })

  it('refuses a project name that would make a file name leave its folder', async () => {
    const template = custom('named', {'files/{{ name }}.txt': 'x'})
    const before = snap()
    const error = await rejected(start(template, await variablesFor(template, '../../etc/passwd')))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(snap()).toEqual(before)
  })

  it('refuses a file that would be written through a link to a folder outside the target', async () => {
    const outside = tempDir()
    fs.symlinkSync(outside, path.join(root, 'docs'))
    const before = snap(['docs'])
    const template = release()
    const error = await rejected(start(template, await variablesFor(template, 'Apollo')))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toContain('through a symbolic link')
    expect(fs.readdirSync(outside)).toEqual([])
    expect(snap(['docs'])).toEqual(before)
  })

  it('writes through a link to a folder inside the target', async () => {
    fs.mkdirSync(path.join(root, 'documentation'))
    fs.symlinkSync(path.join(root, 'documentation'), path.join(root, 'docs'))
    const template = release()
    await start(template, await variablesFor(template, 'Apollo'))
    expect(fs.existsSync(path.join(root, 'documentation/releases/apollo.md'))).toBe(true)
  })

  it("refuses a file that would land in the workspace's data/ folder", async () => {
    const before = snap()
    let error = await rejected(start(custom('data-file', {'files/data/notes.md': 'x'}), {name: 'T', slug: 't', today: '2025-01-15'}))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toContain("into the workspace's data/ folder")
    const template = pathTemplate()
    error = await rejected(start(template, await variablesFor(template, 'T', {dir: 'data'})))
    expect(error).toBeInstanceOf(UnsafeInputError)
    error = await rejected(start(release(), await variablesFor(release(), 'T'), {into: 'data/projects'}))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(snap()).toEqual(before)
  })

  it('refuses --into naming a file', async () => {
    fs.writeFileSync(path.join(root, 'notes.txt'), 'x')
    const template = builtin('blank')
    const error = await rejected(start(template, await variablesFor(template, 'T'), {into: 'notes.txt'}))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('--into notes.txt is a file, not a folder')
  })

  it('removes the files it wrote when a later one cannot be written', async () => {
    // "a" is written first (it sorts before "{"), then "a/b.txt" needs "a" to be a folder.
    const template = custom('clash', {'files/a': 'file', 'files/{{ v }}/b.txt': 'in a folder'}, ['  v: {type: string, default: a}'])
    const before = snap()
    const error = await rejected(start(template, await variablesFor(template, 'T')))
    expect(error).toBeInstanceOf(IoError)
    expect(error.message).toContain("cannot write the new project's files")
    expect(snap()).toEqual(before)
    expect(fs.existsSync(path.join(root, 'a'))).toBe(false)
  })

  it('removes the files and the folders it made when a later file is in the way, the other way round', async () => {
    // "x/b.txt" is written first (x sorts before "{"), then "x" itself cannot be a file.
    const template = custom('clash', {'files/x/deep/b.txt': 'in a folder', 'files/{{ v }}': 'file'}, ['  v: {type: string, default: x}'])
    const before = snap()
    const error = await rejected(start(template, await variablesFor(template, 'T')))
    expect(error).toBeInstanceOf(PspError)
    expect(snap()).toEqual(before)
    expect(fs.existsSync(path.join(root, 'x'))).toBe(false)
  })

  it('removes the files it wrote when the documents cannot be written', async () => {
    // The project's folder is taken by a plain file: planning cannot see it (its id is new),
    // writing the project fails after the files are written.
    fs.writeFileSync(path.join(root, 'data/projects/proj-0000000000-apollo'), 'in the way')
    const before = snap()
    const template = release()
    const variables = await variablesFor(template, 'Apollo')
    const settled = withZeroIds(1, () => start(template, variables))
    let error: unknown
    try {
      await settled
    } catch (error_) {
      error = error_
    }
    expect(error).toBeInstanceOf(Error)
    expect(fs.existsSync(path.join(root, 'docs'))).toBe(false)
    expect(snap()).toEqual(before)
  })

  it('refuses, with a typed error, a template file whose folder is a plain file in the target', async () => {
    fs.writeFileSync(path.join(root, 'docs'), 'a file where the template wants a folder')
    const before = snap()
    const template = release()
    const error = await rejected(start(template, await variablesFor(template, 'Apollo')))
    expect(error).toBeInstanceOf(ConflictError)
    expect(snap()).toEqual(before)
  })

  it("refuses a file that would land in data/ through a link in the target", async () => {
    fs.symlinkSync(path.join(root, 'data'), path.join(root, 'notes'))
    const template = custom('via-link', {'files/notes/x.md': 'not a document'})
    const error = await rejected(start(template, await variablesFor(template, 'T')))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(fs.existsSync(path.join(root, 'data/x.md'))).toBe(false)
  })

  it('writes a file whose name starts with two dots', async () => {
    const template = custom('dots', {'files/..notes.txt': 'x'})
    await start(template, await variablesFor(template, 'T'))
    expect(fs.readFileSync(path.join(root, '..notes.txt'), 'utf8')).toBe('x')
  })
})

describe('startProject outside a workspace', () => {
  it('makes the target a workspace, named after the project, holding the project and its files', async () => {
    const cwd = tempDir()
    const template = release()
    const report = await startProject({template, variables: await variablesFor(template, 'Apollo 2', {start: '2025-03-03'}), cwd, init: INIT})
    const target = path.join(cwd, 'apollo-2')
    expect(report).toMatchObject({dryRun: false, workspace: target, initialised: true})
    const ws = Workspace.open(target)
    expect(ws.settings.name).toBe('Apollo 2')
    expect(new DocumentStore(ws).list()).toHaveLength(18)
    expect(fs.existsSync(path.join(target, 'docs/releases/apollo-2.md'))).toBe(true)
    expect(validateWorkspace(ws).problems).toEqual([])
  })

  it('names the folder "project" when the name has no slug', async () => {
    const cwd = tempDir()
    const template = builtin('blank')
    const report = await startProject({template, variables: await variablesFor(template, '日本語'), cwd, init: INIT, dryRun: true})
    expect(report.workspace).toBe(path.join(cwd, 'project'))
  })

  it('uses --into, keeping the files a folder already had', async () => {
    const cwd = tempDir()
    fs.mkdirSync(path.join(cwd, 'existing'))
    fs.writeFileSync(path.join(cwd, 'existing', 'keep.txt'), 'kept')
    const template = builtin('blank')
    const report = await startProject({template, variables: await variablesFor(template, 'Blank'), cwd, into: 'existing', init: INIT})
    expect(report.workspace).toBe(path.join(cwd, 'existing'))
    expect(fs.readFileSync(path.join(cwd, 'existing', 'keep.txt'), 'utf8')).toBe('kept')
    expect(storeAt(report.workspace).list('project')).toHaveLength(1)
  })

  it('writes nothing on a dry run', async () => {
    const cwd = tempDir()
    const template = release()
    const report = await startProject({template, variables: await variablesFor(template, 'Apollo'), cwd, init: INIT, dryRun: true})
    expect(report).toMatchObject({dryRun: true, initialised: true, workspace: path.join(cwd, 'apollo')})
    expect(report.plan.records).toHaveLength(18)
    // What psp init would add is listed, not made.
    expect(report.initFiles).toContain('config/settings.yaml')
    expect(fs.readdirSync(cwd)).toEqual([])
  })

  it('creates nothing when the plan does not hold', async () => {
    const cwd = tempDir()
    const template = pathTemplate()
    const error = await rejected(startProject({template, variables: await variablesFor(template, 'T', {dir: '..'}), cwd, init: INIT}))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(fs.readdirSync(cwd)).toEqual([])
  })

  it('removes the folder it made when writing fails', async () => {
    const cwd = tempDir()
    const template = custom('clash', {'files/a': 'file', 'files/{{ v }}/b.txt': 'x'}, ['  v: {type: string, default: a}'])
    expect(await rejected(startProject({template, variables: await variablesFor(template, 'Clash'), cwd, init: INIT}))).toBeInstanceOf(IoError)
    expect(fs.readdirSync(cwd)).toEqual([])
  })

  it('keeps a folder that was there when writing fails, without the files it wrote', async () => {
    const cwd = tempDir()
    fs.mkdirSync(path.join(cwd, 'there'))
    fs.writeFileSync(path.join(cwd, 'there', 'keep.txt'), 'kept')
    const template = custom('clash', {'files/a': 'file', 'files/{{ v }}/b.txt': 'x'}, ['  v: {type: string, default: a}'])
    expect(await rejected(startProject({template, variables: await variablesFor(template, 'Clash'), cwd, into: 'there', init: INIT}))).toBeInstanceOf(IoError)
    expect(fs.readdirSync(path.join(cwd, 'there'))).toEqual(['keep.txt'])
  })
})

describe('a large template', () => {
  it('instantiates 500 tasks in a dependency chain, every dependency resolved', async () => {
    const N = 500
    const files: Record<string, string> = {'plan/project.md': planDoc(['type: project', 'title: "{{ name }}"', 'start: "{{ start }}"'])}
    // File order is the reverse of dependency order: t000 depends on t001, … on t499.
    for (let i = 0; i < N; i++) {
      const key = `t${String(i).padStart(3, '0')}`
      const next = `t${String(i + 1).padStart(3, '0')}`
      files[`plan/tasks/${key}.md`] = planDoc(['type: task', `title: Step ${i}`, ...(i + 1 < N ? [`depends_on: [${next}]`] : []), `due: "{{ start + ${N - i}d }}"`])
    }
    const template = custom('chain', files, ['  start: {type: date, default: "2025-01-01"}'])
    expect(template.documents.map((d) => d.key).slice(0, 3)).toEqual(['project', 't499', 't498'])
    const report = await start(template, await variablesFor(template, 'Chain'))
    const ids = idsOf(report.plan)
    const onDisk = recordsOnDisk()
    expect(onDisk.size).toBe(N + 1)
    for (let i = 0; i < N - 1; i++) {
      const record = onDisk.get(ids.get(`t${String(i).padStart(3, '0')}`) as string) as DocumentRecord
      const dep = ids.get(`t${String(i + 1).padStart(3, '0')}`) as string
      expect(record.data['depends_on']).toEqual([dep])
      expect(onDisk.get(dep)?.title).toBe(`Step ${i + 1}`)
    }
    expect(onDisk.get(ids.get('t000') as string)?.data['due']).toBe('2026-05-16')
  })
})
