/**
 * readTemplate: the built-in templates load; what a template folder may not hold (links,
 * special files, oversized documents) and what its plan may not say (no project, two, duplicate
 * or bad keys, ids, references to nothing or to the wrong type, dependency cycles); and the order
 * the plan's documents come in.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {InvalidDocumentError, NotFoundError, PspError, UnsafeInputError} from '@psp/core'
import {readTemplate, referenceKeys, TEMPLATE_LIMITS, type Template} from '@psp/core/templates'
import {thrown, useTempDirs} from '../_helpers.js'
import {builtin, BUILTIN_DIR, FIXTURE_DIR, manifest, planDoc, PROJECT_ONLY, release, writeTemplate} from './_templates.js'

const tempDir = useTempDirs()

/** Writes a template named `t` into a new folder and reads it. */
function read(files: Record<string, string | Uint8Array>): Template {
  return readTemplate(writeTemplate(path.join(tempDir(), 't'), files), 'folder')
}

/** What reading a template with these files throws. */
function refusal(files: Record<string, string | Uint8Array>): PspError {
  const dir = writeTemplate(path.join(tempDir(), 't'), files)
  return thrown(() => readTemplate(dir, 'folder'))
}

const task = (...lines: string[]) => planDoc(['type: task', ...lines])
const milestone = (...lines: string[]) => planDoc(['type: milestone', ...lines])

function canMakeFifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], {stdio: 'ignore'})
    return process.platform !== 'win32'
  } catch {
    return false
  }
}

describe('the built-in templates', () => {
  it('blank: one project and nothing to ask', () => {
    const blank = builtin('blank')
    expect(blank).toMatchObject({name: 'blank', source: 'builtin', root: path.join(BUILTIN_DIR, 'blank'), files: []})
    expect(blank.manifest.variables).toEqual({})
    expect(blank.documents.map((d) => [d.key, d.type, d.title])).toEqual([['project', 'project', '{{ name }}']])
  })

  it('software-release: a project, four milestones in date order, thirteen tasks after their dependencies, one file', () => {
    const template = release()
    expect(Object.keys(template.manifest.variables)).toEqual(['start', 'launch', 'owner'])
    const byType = (type: string) => template.documents.filter((d) => d.type === type).map((d) => d.key)
    expect(template.documents[0]?.key).toBe('project')
    expect(byType('milestone')).toEqual(['scope-agreed', 'beta', 'release-candidate', 'launched'])
    expect(byType('task')).toHaveLength(13)
    expect(template.files).toEqual([
      {path: 'docs/releases/{{ slug }}.md', absolute: path.join(FIXTURE_DIR, 'software-release', 'files', 'docs', 'releases', '{{ slug }}.md'), size: expect.any(Number), binary: false, executable: false},
    ])
    const scope = template.documents.find((d) => d.key === 'scope')
    expect(scope).toMatchObject({file: 'plan/tasks/scope.md', type: 'task', title: 'Agree the feature scope with stakeholders'})
    expect(scope?.fields).toEqual({milestone: 'scope-agreed', priority: 'high', assignee: '{{ owner }}', depends_on: ['goals'], estimate: 6, due: '{{ start + 2w }}'})
    expect(scope?.body).toContain('[[goals]]')
  })

  it("every one of psp's built-ins loads: its name is its folder's, the project comes first, every task after its dependencies", () => {
    const names = fs.readdirSync(BUILTIN_DIR).filter((name) => fs.existsSync(path.join(BUILTIN_DIR, name, 'template.yaml')))
    expect(names).toEqual(expect.arrayContaining(['blank', 'software-release']))
    for (const name of names) {
      const template = builtin(name)
      expect(template.name, name).toBe(name)
      expect(template.documents[0]?.type, name).toBe('project')
      const position = new Map(template.documents.map((d, i) => [d.key, i]))
      for (const doc of template.documents.filter((d) => d.type === 'task')) {
        for (const dep of referenceKeys(doc, 'depends_on')) expect(position.get(dep), `${name}: ${doc.key} after ${dep}`).toBeLessThan(position.get(doc.key) as number)
      }
    }
  })
})

describe('readTemplate: the folder', () => {
  it('reads keys from file names (lower-cased) or from key:, and keeps the other fields in order', () => {
    const template = read({
      ...PROJECT_ONLY,
      'plan/tasks/Design.md': task('title: Design', 'estimate: 3', 'tags: [a, b]'),
      'plan/tasks/other.md': task('key: build-it', 'title: Build', 'depends_on: design'),
    })
    expect(template.documents.map((d) => d.key)).toEqual(['project', 'design', 'build-it'])
    expect(template.documents[1]).toEqual({file: 'plan/tasks/Design.md', key: 'design', type: 'task', title: 'Design', fields: {estimate: 3, tags: ['a', 'b']}, body: ''})
    expect(template.documents[2]?.fields).toEqual({depends_on: 'design'})
  })

  it('ignores what is neither plan/**.md nor files/**, and a top-level .git', () => {
    const template = read({
      ...PROJECT_ONLY,
      'README.md': '# about this template\n',
      'plan/notes.txt': 'not a document',
      '.git/config': '[core]\n',
      'files/.gitignore': 'node_modules/\n',
    })
    expect(template.documents).toHaveLength(1)
    expect(template.files.map((f) => f.path)).toEqual(['.gitignore'])
  })

  it('marks files with NUL bytes binary, and keeps the executable bit', () => {
    const dir = writeTemplate(path.join(tempDir(), 't'), {...PROJECT_ONLY, 'files/logo.png': Buffer.from([0x89, 0x50, 0x00, 0x01]), 'files/bin/run.sh': '#!/bin/sh\n', 'files/a.txt': 'text'})
    fs.chmodSync(path.join(dir, 'files/bin/run.sh'), 0o755)
    const files = readTemplate(dir, 'folder').files
    expect(files.map((f) => [f.path, f.binary, f.executable, f.size])).toEqual([
      ['a.txt', false, false, 4],
      ['bin/run.sh', false, true, 10],
      ['logo.png', true, false, 4],
    ])
  })

  it('is not a template without template.yaml', () => {
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'plan'))
    const error = thrown(() => readTemplate(dir, 'folder'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toContain('no template.yaml')
  })

  it('names the manifest by the label in errors', () => {
    const dir = writeTemplate(path.join(tempDir(), 'x'), {'template.yaml': 'schema: 1\nname: x\n'})
    expect(thrown(() => readTemplate(dir, 'url', 'https://example.com/t.git')).location.path).toBe('https://example.com/t.git/template.yaml')
  })
})

describe('readTemplate: links and special files', () => {
  const elsewhere = () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'secret.md'), planDoc(['type: task', 'title: Secret']))
    fs.mkdirSync(path.join(dir, 'folder'))
    fs.writeFileSync(path.join(dir, 'folder', 'x.md'), planDoc(['type: task', 'title: X']))
    return dir
  }

  /** A template with a link at `rel` pointing to `target`; what reading it throws. */
  function linked(rel: string, target: string): PspError {
    const dir = writeTemplate(path.join(tempDir(), 't'), PROJECT_ONLY)
    const at = path.join(dir, ...rel.split('/'))
    fs.mkdirSync(path.dirname(at), {recursive: true})
    fs.symlinkSync(target, at)
    const error = thrown(() => readTemplate(dir, 'folder'))
    expect(error, rel).toBeInstanceOf(UnsafeInputError)
    expect(error.message, rel).toBe('a symbolic link: a template holds only plain files and folders')
    expect(error.location.path, rel).toBe(`t/${rel}`)
    return error
  }

  it('refuses a linked file in plan/ and in files/', () => {
    const outside = elsewhere()
    linked('plan/tasks/secret.md', path.join(outside, 'secret.md'))
    linked('files/secret.md', path.join(outside, 'secret.md'))
    // Even a link to a file inside the template itself.
    linked('files/again.md', '../plan/project.md')
  })

  it('refuses a linked folder in plan/, in files/, and as plan/ itself', () => {
    const outside = elsewhere()
    linked('plan/tasks', path.join(outside, 'folder'))
    linked('files/docs', path.join(outside, 'folder'))
    const dir = writeTemplate(path.join(tempDir(), 't'), {})
    fs.symlinkSync(path.join(outside, 'folder'), path.join(dir, 'plan'))
    const error = thrown(() => readTemplate(dir, 'folder'))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location.path).toBe('t/plan')
  })

  it('refuses a link anywhere else in the folder, and a dangling one', () => {
    linked('README.md', '/etc/passwd')
    linked('files/nowhere', path.join(tempDir(), 'missing'))
  })

  it('refuses a linked manifest', () => {
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'template.yaml'), manifest('t'))
    const dir = writeTemplate(path.join(tempDir(), 't'), PROJECT_ONLY)
    fs.rmSync(path.join(dir, 'template.yaml'))
    fs.symlinkSync(path.join(outside, 'template.yaml'), path.join(dir, 'template.yaml'))
    const error = thrown(() => readTemplate(dir, 'folder'))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.message).toBe('a symbolic link: a template holds only plain files and folders')
    expect(error.location.path).toBe('t/template.yaml')
  })

  it.skipIf(!canMakeFifo())('refuses a named pipe', () => {
    for (const rel of ['files/pipe', 'plan/tasks/pipe.md']) {
      const dir = writeTemplate(path.join(tempDir(), 't'), PROJECT_ONLY)
      fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
      execFileSync('mkfifo', [path.join(dir, rel)])
      const error = thrown(() => readTemplate(dir, 'folder'))
      expect(error).toBeInstanceOf(UnsafeInputError)
      expect(error.message).toBe('not a plain file: a template holds only plain files and folders')
      expect(error.location.path).toBe(`t/${rel}`)
    }
  })
})

describe('readTemplate: sizes', () => {
  it('refuses a plan document or a manifest larger than 1 MiB', () => {
    const big = 'x'.repeat(TEMPLATE_LIMITS.documentBytes)
    let error = refusal({...PROJECT_ONLY, 'plan/tasks/big.md': planDoc(['type: task', 'title: Big'], big)})
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('larger than 1 MiB')
    expect(error.location.path).toBe('t/plan/tasks/big.md')
    error = refusal({...PROJECT_ONLY, 'template.yaml': `${manifest('t')}# ${big}\n`})
    expect(error.message).toContain('larger than 1 MiB')
    expect(error.location.path).toBe('t/template.yaml')
  })

  it('takes a plan document of exactly 1 MiB', () => {
    const head = planDoc(['type: task', 'title: Big'])
    const template = read({...PROJECT_ONLY, 'plan/tasks/big.md': head + 'x'.repeat(TEMPLATE_LIMITS.documentBytes - head.length)})
    expect(template.documents).toHaveLength(2)
  })

  it('refuses more than 50 MiB in all (a sparse file costs nothing to make)', () => {
    const dir = writeTemplate(path.join(tempDir(), 't'), PROJECT_ONLY)
    fs.mkdirSync(path.join(dir, 'files'))
    fs.writeFileSync(path.join(dir, 'files', 'huge.bin'), '')
    fs.truncateSync(path.join(dir, 'files', 'huge.bin'), TEMPLATE_LIMITS.bytes + 1)
    const error = thrown(() => readTemplate(dir, 'folder'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('template is larger than 50 MiB')
  })

  it('refuses more files than the limit', () => {
    const dir = writeTemplate(path.join(tempDir(), 't'), PROJECT_ONLY)
    fs.mkdirSync(path.join(dir, 'files'))
    for (let i = 0; i < TEMPLATE_LIMITS.files; i++) fs.writeFileSync(path.join(dir, 'files', `f${i}`), '')
    expect(thrown(() => readTemplate(dir, 'folder')).message).toBe(`template holds more than ${TEMPLATE_LIMITS.files} files`)
  })
})

describe('readTemplate: the plan', () => {
  it('needs a project', () => {
    const error = refusal({'plan/tasks/a.md': task('title: A')})
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('the plan has no project: add plan/project.md with type: project')
    expect(error.location.path).toBe('t/plan')
    expect(refusal({}).message).toContain('no project')
  })

  it('takes one project only', () => {
    const error = refusal({...PROJECT_ONLY, 'plan/other.md': planDoc(['type: project', 'title: Other'])})
    expect(error.message).toBe('the plan has 2 projects (plan/other.md, plan/project.md): a template starts exactly one')
  })

  it('needs a type and a title', () => {
    let error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': planDoc(['title: A'])})
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'type'})
    error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': planDoc(['type: task', 'title: ""'])})
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'title'})
    error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': planDoc(['type: task', 'title: 12'])})
    expect(error.location.field).toBe('title')
  })

  it('refuses duplicate keys, from names and from key:', () => {
    const error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A'), 'plan/tasks/b.md': task('key: a', 'title: B')})
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('key "a" is also the key of plan/tasks/a.md')
    expect(error.location).toMatchObject({path: 't/plan/tasks/b.md', field: 'key'})
    // Two folders, one file name.
    expect(refusal({...PROJECT_ONLY, 'plan/m/a.md': milestone('title: A'), 'plan/t/a.md': task('title: A')}).message).toContain('key "a" is also the key of')
  })

  it('refuses a bad key, given or from the file name', () => {
    for (const bad of ['Upper', '-lead', 'has space', 'dot.ted', 'x'.repeat(65), '12']) {
      const key = bad === '12' ? '12' : JSON.stringify(bad)
      const error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task(`key: ${key}`, 'title: A')})
      if (bad === '12') {
        // A YAML number is not a key.
        expect(error.message).toContain('"12" is not a key')
        continue
      }
      expect(error.message, bad).toContain(`"${bad}" is not a key`)
      expect(error.location.field).toBe('key')
    }
    expect(refusal({...PROJECT_ONLY, 'plan/tasks/my task.md': task('title: A')}).message).toContain('"my task" is not a key')
  })

  it('refuses an id anywhere and a project in anything but the project', () => {
    let error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('id: task-1234567890', 'title: A')})
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'id'})
    expect(error.message).toContain('psp new gives each one a fresh id')
    expect(refusal({'plan/project.md': planDoc(['type: project', 'id: proj-1', 'title: P'])}).location.field).toBe('id')
    error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A', 'project: project')})
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'project'})
    expect(error.message).toContain('psp new sets it')
  })

  it('refuses a reference to a key the plan does not have, listing the keys', () => {
    const error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A', 'depends_on: [b, nope]'), 'plan/tasks/b.md': task('title: B')})
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('"nope" is not the key of a document in the plan (keys: project, a, b)')
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'depends_on'})
    expect(refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A', 'milestone: beta')}).location.field).toBe('milestone')
  })

  it('refuses a milestone reference to a task, and superseded_by to anything but a decision', () => {
    let error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A'), 'plan/tasks/b.md': task('title: B', 'milestone: a')})
    expect(error.message).toBe('"a" is a task, not a milestone')
    expect(error.location).toMatchObject({path: 't/plan/tasks/b.md', field: 'milestone'})
    error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A'), 'plan/decisions/d.md': planDoc(['type: decision', 'title: D', 'superseded_by: a'])})
    expect(error.message).toBe('"a" is a task, not a decision')
  })

  it('refuses a task that depends on itself', () => {
    const error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': task('title: A', 'depends_on: [a]')})
    expect(error.message).toBe('a document cannot depend on itself')
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'depends_on'})
  })

  it('refuses a dependency cycle, listing it', () => {
    const error = refusal({
      ...PROJECT_ONLY,
      'plan/tasks/a.md': task('title: A', 'depends_on: [b]'),
      'plan/tasks/b.md': task('title: B', 'depends_on: [c]'),
      'plan/tasks/c.md': task('title: C', 'depends_on: a'),
      'plan/tasks/d.md': task('title: D', 'depends_on: [a]'),
    })
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('dependency cycle: a → b → c → a')
    expect(error.location).toMatchObject({path: 't/plan/tasks/a.md', field: 'depends_on'})
  })

  it('refuses a frontmatter that is not YAML, naming the file', () => {
    const error = refusal({...PROJECT_ONLY, 'plan/tasks/a.md': '---\ntype: task\ntitle: [\n---\n'})
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe('t/plan/tasks/a.md')
    expect(refusal({...PROJECT_ONLY, 'plan/tasks/a.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00])}).location.path).toBe('t/plan/tasks/a.md')
  })
})

describe('readTemplate: plan order', () => {
  it('puts the project first, then milestones, then tasks after what they depend on, then anything else', () => {
    const template = read({
      'plan/aaa-note.md': planDoc(['type: note', 'title: Note']),
      'plan/tasks/a.md': task('title: A', 'depends_on: [z]', 'milestone: m2'),
      'plan/tasks/b.md': task('title: B'),
      'plan/tasks/m.md': task('title: M'),
      'plan/tasks/y.md': task('title: Y', 'depends_on: [m, b]'),
      'plan/tasks/z.md': task('title: Z', 'depends_on: y'),
      'plan/milestones/2.md': milestone('key: m2', 'title: Two'),
      'plan/milestones/1.md': milestone('key: m1', 'title: One'),
      'plan/zzz-project.md': planDoc(['type: project', 'title: P']),
    })
    expect(template.documents.map((d) => d.key)).toEqual(['zzz-project', 'm1', 'm2', 'm', 'b', 'y', 'z', 'a', 'aaa-note'])
  })
})
