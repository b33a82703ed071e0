/**
 * Where templates are found: listTemplates in search order (the first of a name wins, later
 * ones are marked), broken templates listed with their problem, and findTemplate by name or
 * folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {InvalidDocumentError, NotFoundError, UsageError} from '@psp/core'
import {findTemplate, isFolderSpec, listTemplates, type TemplateRoot} from '@psp/core/templates'
import {thrown, useTempDirs} from '../_helpers.js'
import {BUILTIN_DIR, copyDir, FIXTURE_DIR, manifest, PROJECT_ONLY, writeTemplate} from './_templates.js'

const tempDir = useTempDirs()

let base: string
let roots: TemplateRoot[]

/** A template named `name` in the root folder `root` (workspace, user, plugin). */
function add(root: string, name: string, description = `${name} from ${root}`, extra: Record<string, string> = {}): string {
  return writeTemplate(path.join(base, root, name), {'template.yaml': manifest(name, [], description), ...PROJECT_ONLY, ...extra})
}

beforeEach(() => {
  base = tempDir()
  roots = [
    {dir: path.join(base, 'workspace'), source: 'workspace'},
    {dir: path.join(base, 'user'), source: 'user'},
    {dir: path.join(base, 'plugin'), source: 'plugin', plugin: '@acme/psp-plugin'},
    {dir: path.join(base, 'builtin'), source: 'builtin'},
  ]
  // Two built-ins, copied: the tests do not depend on which others psp ships.
  copyDir(path.join(BUILTIN_DIR, 'blank'), path.join(base, 'builtin', 'blank'))
  copyDir(path.join(FIXTURE_DIR, 'software-release'), path.join(base, 'builtin', 'software-release'))
})

describe('listTemplates', () => {
  it("lists psp's built-ins, with their descriptions and no problem", () => {
    const entries = listTemplates([{dir: BUILTIN_DIR, source: 'builtin'}])
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(['blank', 'software-release']))
    for (const entry of entries) {
      expect(entry.source).toBe('builtin')
      expect(entry.description).toMatch(/\S/)
      expect(entry.problem).toBeUndefined()
      expect(entry.overriddenBy).toBeUndefined()
    }
  })

  it('lists every root in search order, skipping roots that do not exist', () => {
    add('user', 'mine')
    add('plugin', 'theirs')
    const entries = listTemplates(roots)
    expect(entries.map((e) => [e.name, e.source])).toEqual([
      ['mine', 'user'],
      ['theirs', 'plugin'],
      ['blank', 'builtin'],
      ['software-release', 'builtin'],
    ])
    expect(entries[1]).toEqual({name: 'theirs', source: 'plugin', plugin: '@acme/psp-plugin', root: path.join(base, 'plugin', 'theirs'), description: 'theirs from plugin'})
  })

  it('marks a template hidden by one of the same name earlier in the order', () => {
    add('workspace', 'blank', 'Our blank')
    add('user', 'blank', 'My blank')
    add('user', 'software-release', 'My release')
    const entries = listTemplates(roots)
    const blanks = entries.filter((e) => e.name === 'blank')
    expect(blanks.map((e) => [e.source, e.description, e.overriddenBy])).toEqual([
      ['workspace', 'Our blank', undefined],
      ['user', 'My blank', 'workspace'],
      ['builtin', expect.any(String), 'workspace'],
    ])
    const releases = entries.filter((e) => e.name === 'software-release')
    expect(releases.map((e) => [e.source, e.overriddenBy])).toEqual([
      ['user', undefined],
      ['builtin', 'user'],
    ])
  })

  it('lists a broken template with its problem, and still lets it hide later ones', () => {
    writeTemplate(path.join(base, 'workspace', 'blank'), {'template.yaml': 'schema: 1\nname: blank\n', ...PROJECT_ONLY})
    add('user', 'no-plan', 'd', {'plan/project.md': '---\ntype: task\ntitle: T\n---\n'})
    const entries = listTemplates(roots)
    const broken = entries.find((e) => e.source === 'workspace')
    expect(broken?.problem).toContain('blank/template.yaml')
    expect(broken?.problem).toContain("required property 'description'")
    expect(broken?.description).toBeUndefined()
    expect(entries.find((e) => e.name === 'no-plan')?.problem).toContain('the plan has no project')
    expect(entries.find((e) => e.name === 'blank' && e.source === 'builtin')?.overriddenBy).toBe('workspace')
  })

  it('lists a template whose manifest names another template as a problem', () => {
    writeTemplate(path.join(base, 'user', 'alpha'), {'template.yaml': manifest('beta'), ...PROJECT_ONLY})
    const entry = listTemplates(roots).find((e) => e.name === 'alpha')
    expect(entry?.problem).toContain('template folder alpha holds a manifest named "beta"')
  })

  it('skips folders without a manifest, folders not named like templates, and plain files', () => {
    fs.mkdirSync(path.join(base, 'user', 'empty'), {recursive: true})
    writeTemplate(path.join(base, 'user', 'Bad_Name'), {'template.yaml': manifest('bad-name'), ...PROJECT_ONLY})
    writeTemplate(path.join(base, 'user', '.hidden'), {'template.yaml': manifest('hidden'), ...PROJECT_ONLY})
    fs.writeFileSync(path.join(base, 'user', 'notes.txt'), 'x')
    expect(listTemplates(roots.slice(0, 2))).toEqual([])
  })
})

describe('findTemplate', () => {
  it('finds a name in the first root that has it', () => {
    expect(findTemplate('software-release', roots).source).toBe('builtin')
    add('user', 'software-release', 'Mine')
    const mine = findTemplate('software-release', roots)
    expect(mine).toMatchObject({name: 'software-release', source: 'user', root: path.join(base, 'user', 'software-release')})
    expect(mine.documents).toHaveLength(1)
    expect(mine.manifest.description).toBe('Mine')
    add('workspace', 'software-release', 'Ours')
    expect(findTemplate('software-release', roots).source).toBe('workspace')
  })

  it('reads the first template of a name even when it is broken, rather than falling back', () => {
    writeTemplate(path.join(base, 'workspace', 'blank'), {'template.yaml': 'schema: 1\nname: blank\n', ...PROJECT_ONLY})
    expect(thrown(() => findTemplate('blank', roots))).toBeInstanceOf(InvalidDocumentError)
  })

  it('finds a folder, relative to cwd or absolute, whatever its manifest calls it', () => {
    const dir = writeTemplate(path.join(base, 'somewhere', 'folder-x'), {'template.yaml': manifest('another-name'), ...PROJECT_ONLY})
    const relative = findTemplate('./somewhere/folder-x', roots, base)
    expect(relative).toMatchObject({name: 'another-name', source: 'folder', root: dir})
    expect(findTemplate(dir, roots).root).toBe(dir)
    expect(findTemplate('somewhere/folder-x', [], base).root).toBe(dir)
    expect(findTemplate('..', [], path.join(dir, 'plan')).root).toBe(dir)
  })

  it('refuses a folder that does not exist, or holds no template', () => {
    let error = thrown(() => findTemplate('./nope', roots, base))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toBe('no template folder ./nope')
    fs.mkdirSync(path.join(base, 'empty'))
    error = thrown(() => findTemplate('./empty', roots, base))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toContain('not a template: no template.yaml')
  })

  it('refuses an unknown name, listing the names there are', () => {
    add('user', 'mine')
    add('workspace', 'blank')
    const error = thrown(() => findTemplate('nope', roots))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toBe('no template named "nope"')
    expect(error.data['templates']).toEqual(['blank', 'mine', 'software-release'])
    expect(error.hint).toBe('templates: blank, mine, software-release')
    const none = thrown(() => findTemplate('nope', [{dir: path.join(base, 'missing'), source: 'user'}]))
    expect(none.data['templates']).toEqual([])
    expect(none.hint).toBe('psp template list shows the templates there are')
  })

  it('refuses a name that cannot be a template name', () => {
    const error = thrown(() => findTemplate('Bad_Name', roots))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain('is not a template name')
  })

  it('refuses a template whose manifest names another template', () => {
    writeTemplate(path.join(base, 'user', 'alpha'), {'template.yaml': manifest('beta'), ...PROJECT_ONLY})
    const error = thrown(() => findTemplate('alpha', roots))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('template folder alpha holds a manifest named "beta": rename one so they match')
    expect(error.location).toMatchObject({path: 'alpha/template.yaml', field: 'name'})
  })
})

describe('isFolderSpec', () => {
  it('tells folders from names', () => {
    for (const spec of ['./x', 'a/b', '/abs', '..\\x', '.', '..']) expect(isFolderSpec(spec), spec).toBe(true)
    for (const spec of ['blank', 'software-release', 'x.y']) expect(isFolderSpec(spec), spec).toBe(false)
  })
})
