/**
 * `psp new` with the real built CLI: a project from a template with dates from its variables,
 * --dry-run, --into, outside a workspace, bad input of every kind (nothing written), and the
 * template paths and links it must refuse (exit 8, nothing written anywhere).
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {changedPaths, json, psp, pspAsync, REPO_ROOT, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, read, show, useWorkspaces, type Rec} from './support.js'
import {copyTemplate, fixtureTemplate, nothingWritten, PROJECT_ONLY, snapshotTree, useTemplateEnv, writeFiles} from './template-support.js'

/** `psp new --json`'s output. */
interface NewReport {
  dryRun: boolean
  template: {name: string; source: string; commit?: string}
  workspace: string
  initialised: boolean
  variables: Record<string, unknown>
  project: {id: string; title: string; path: string}
  documents: {key: string; id: string; type: string; title: string; path: string}[]
  target: string
  files: {path: string; from: string}[]
}

const {dir: scratch, env} = useTemplateEnv()

const workspace = useWorkspaces()

const run = (args: string[], cwd: string): RunResult => psp(args, {cwd, env})
const runAsync = (args: string[], cwd: string): Promise<RunResult> => pspAsync(args, {cwd, env})
const runJson = async <T>(args: string[], cwd: string): Promise<T> => json<T>(ok(await runAsync([...args, '--json'], cwd)))

/**
 * A software-release task's due date worked out by hand from its template file: `{{ start }}`,
 * `{{ launch - 3d }}`, `{{ start + 2w }}` (the forms the template uses).
 */
function plannedDue(key: string, vars: Record<string, string>): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'templates', 'software-release', 'plan', 'tasks', `${key}.md`), 'utf8')
  const match = /^due: "\{\{ (\w+)(?: ([+-]) (\d+)([dw]))? \}\}"$/m.exec(text)
  if (match === null) throw new Error(`software-release/plan/tasks/${key}.md: a due date this test cannot work out`)
  const [, variable, sign, n, unit] = match
  const days = n === undefined ? 0 : Number(n) * (unit === 'w' ? 7 : 1) * (sign === '-' ? -1 : 1)
  const day = new Date(`${vars[variable as string]}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + days)
  return day.toISOString().slice(0, 10)
}

describe('psp new software-release', () => {
  let ws: string
  let report: NewReport
  const ids = new Map<string, string>()
  beforeAll(() => {
    ws = workspace()
    report = json<NewReport>(ok(run(['new', 'software-release', 'Mobile app 2.0', '--var', 'start=2027-01-04', '--json'], ws)))
    for (const doc of report.documents) ids.set(doc.key, doc.id)
  })
  const id = (key: string): string => {
    const found = ids.get(key)
    expect(found, `no document with key ${key}`).toBeDefined()
    return found as string
  }

  it('--json reports the project, every document by key and the files', () => {
    expect(report).toMatchObject({
      dryRun: false,
      template: {name: 'software-release', source: 'builtin'},
      workspace: ws,
      initialised: false,
      variables: {name: 'Mobile app 2.0', slug: 'mobile-app-2-0', start: '2027-01-04', launch: '2027-03-15', owner: ''},
      project: {id: expect.stringMatching(/^proj-[0-9a-z]{10}$/), title: 'Mobile app 2.0'},
      target: ws,
      files: [{path: 'docs/releases/mobile-app-2-0.md', from: 'docs/releases/{{ slug }}.md'}],
    })
    expect(report.variables['today']).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(report.project.path).toBe(`data/projects/${report.project.id}-mobile-app-2-0/project.md`)
    expect(report.documents[0]).toEqual({key: 'project', id: report.project.id, type: 'project', title: 'Mobile app 2.0', path: report.project.path})
    const types = report.documents.map((d) => d.type)
    expect(types.filter((t) => t === 'milestone')).toHaveLength(4)
    expect(types.filter((t) => t === 'task')).toHaveLength(13)
    expect(types).toHaveLength(18)
    // Milestones come before the tasks, and every task after those it depends on.
    expect(types.indexOf('task')).toBe(5)
    expect(report.documents.map((d) => d.key).indexOf('go-no-go')).toBeGreaterThan(report.documents.map((d) => d.key).indexOf('regression'))
    for (const doc of report.documents) {
      expect(doc.path.startsWith(`data/projects/${report.project.id}-mobile-app-2-0/`), doc.path).toBe(true)
      expect(fs.existsSync(path.join(ws, doc.path)), doc.path).toBe(true)
    }
  })

  it('dates derive from start and launch (launch defaults to start + 10 weeks)', async () => {
    const [project, milestones, tasks] = await Promise.all([
      runJson<Rec>(['project', 'show', report.project.id], ws),
      runJson<Rec[]>(['milestone', 'list', '--project', report.project.id], ws),
      runJson<Rec[]>(['task', 'list', '--project', report.project.id], ws),
    ])
    expect(project).toMatchObject({title: 'Mobile app 2.0', status: 'active', start: '2027-01-04', due: '2027-03-15', tags: ['release']})
    // owner was left empty: its field is left out, not written as "".
    expect(project).not.toHaveProperty('owner')
    expect(project.body).toContain('**Launch:** 2027-03-15')

    expect(Object.fromEntries(milestones.map((m) => [m.title, m.due]))).toEqual({
      'Scope agreed': '2027-01-18',
      Beta: '2027-02-15',
      'Release candidate': '2027-03-08',
      Launched: '2027-03-15',
    })
    expect(tasks).toHaveLength(13)
    const due = Object.fromEntries(tasks.map((t) => [t.id, t.due]))
    // Concrete dates of tasks whose offsets are the point of the template...
    expect(due[id('goals')]).toBe('2027-01-11')
    expect(due[id('scope')]).toBe('2027-01-18')
    expect(due[id('beta-release')]).toBe('2027-02-15')
    expect(due[id('publish')]).toBe('2027-03-15')
    expect(due[id('retrospective')]).toBe('2027-03-22')
    // ...and every task's due date is its template expression worked out for these variables.
    const vars = {start: '2027-01-04', launch: '2027-03-15'}
    expect(due).toEqual(Object.fromEntries(report.documents.filter((d) => d.type === 'task').map((d) => [d.id, plannedDue(d.key, vars)])))
    for (const task of tasks) {
      expect(task.project).toBe(report.project.id)
      expect(task.status).toBe('todo')
      expect(task).not.toHaveProperty('assignee')
    }
  })

  it('references become the new ids: milestones, dependencies and [[links]]', async () => {
    const keys = ['go-no-go', 'publish', 'beta-release', 'retrospective', 'scope', 'docs']
    const shown = await Promise.all(keys.map((key) => runJson<Rec>(['task', 'show', id(key)], ws)))
    const task = (key: string) => shown[keys.indexOf(key)] as Rec
    expect(task('go-no-go')).toMatchObject({milestone: id('launched'), depends_on: [id('regression'), id('docs')], estimate: 1})
    expect(task('publish')).toMatchObject({milestone: id('launched'), depends_on: [id('go-no-go')], priority: 'critical'})
    expect(task('beta-release')).toMatchObject({milestone: id('beta'), depends_on: [id('build'), id('test-plan')]})
    expect(task('retrospective')).toMatchObject({depends_on: [id('publish')]})
    expect(task('retrospective')).not.toHaveProperty('milestone')
    expect(task('scope').body).toContain(`Starting from [[${id('goals')}]]`)
    expect(task('docs').body).toContain('docs/releases/mobile-app-2-0.md')
    const notes = read(ws, 'docs/releases/mobile-app-2-0.md')
    expect(notes.startsWith('# Mobile app 2.0: release notes\n\nPlanned launch: 2027-03-15\n')).toBe(true)
  })

  it('psp validate passes and psp board --project shows its tasks', async () => {
    const [validate, board, boardText] = await Promise.all([
      runAsync(['validate'], ws),
      runAsync(['board', '--project', report.project.id, '--json'], ws),
      runAsync(['board', '--project', report.project.id, '--width', '200', '--limit', '20'], ws),
    ])
    expect(ok(validate).stderr).toMatch(/^18 documents checked, no problems/m)
    const parsed = json<{total: number; columns: {status: string; count: number; cards: Rec[]}[]}>(ok(board))
    expect(parsed.total).toBe(13)
    const cards = parsed.columns.flatMap((c) => c.cards)
    expect(cards.map((c) => c.id).sort()).toEqual(report.documents.filter((d) => d.type === 'task').map((d) => d.id).sort())
    expect(parsed.columns.find((c) => c.status === 'todo')?.count).toBe(13)
    // Only `goals` has no dependency: every other card waits on an open task.
    expect(cards.filter((c) => c.blocked !== true).map((c) => c.id)).toEqual([id('goals')])
    const text = ok(boardText).stdout
    expect(text).toMatch(/^todo 13\b/)
    for (const title of ['Define release goals', 'Hold the go/no-go', 'Hold the release retro']) expect(text).toContain(title)
  })

  it('given variables win over defaults, and the human report lists every path', () => {
    const result = ok(run(['new', 'software-release', 'Web 3', '--var', 'start=2027-01-04', '--var', 'launch=2027-02-01', '--var', 'owner=ada', '--into', 'web'], ws))
    const lines = result.stdout.trimEnd().split('\n')
    const head = /^Created project (proj-[0-9a-z]{10}) "Web 3" from template software-release \(builtin\)$/.exec(lines[0] as string)
    expect(head, show(result)).not.toBeNull()
    const projectId = (head as RegExpExecArray)[1] as string
    expect(lines).toHaveLength(1 + 18 + 1 + 1)
    expect(lines[1]).toBe(`  data/projects/${projectId}-web-3/project.md`)
    expect(lines[19]).toBe('  web/docs/releases/web-3.md')
    expect(lines[20]).toBe(`4 milestones, 13 tasks, 1 file. See it: psp board --project ${projectId}`)
    for (const line of lines.slice(1, 20)) expect(fs.existsSync(path.join(ws, line.trim())), line).toBe(true)
    expect(pspJson(ws, ['project', 'show', projectId])).toMatchObject({owner: 'ada', start: '2027-01-04', due: '2027-02-01'})
    const tasks = pspJson<Rec[]>(ws, ['task', 'list', '--project', projectId])
    const byTitle = Object.fromEntries(tasks.map((t) => [t.title, t]))
    expect(byTitle['Publish and announce the release']).toMatchObject({due: '2027-02-01'})
    expect(byTitle['Hold the go/no-go meeting']).toMatchObject({due: plannedDue('go-no-go', {start: '2027-01-04', launch: '2027-02-01'}), assignee: 'ada'})
    expect(byTitle['Define release goals and success metrics']).toMatchObject({due: '2027-01-11', assignee: 'ada'})
    expect(read(ws, 'web/docs/releases/web-3.md')).toContain('Planned launch: 2027-02-01')
  })

  it('--dry-run lists every document and file it would write, and writes nothing', async () => {
    const [text, data] = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['new', 'software-release', 'Dry run', '--var', 'start=2027-01-04', '--dry-run'], ws),
        runAsync(['new', 'software-release', 'Dry run', '--var', 'start=2027-01-04', '--dry-run', '--json'], ws),
      ]),
    )
    const lines = ok(text as RunResult).stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Would create project proj-[0-9a-z]{10} "Dry run" from template software-release \(builtin\)$/)
    expect(lines.slice(1, -1).filter((l) => /^ {2}data\/projects\/proj-[0-9a-z]{10}-dry-run\//.test(l))).toHaveLength(18)
    expect(lines).toContain('  docs/releases/dry-run.md')
    expect(lines.at(-1)).toBe('4 milestones, 13 tasks, 1 file: dry run, nothing written')
    const planned = json<NewReport>(ok(data as RunResult))
    expect(planned).toMatchObject({dryRun: true, initialised: false, files: [{path: 'docs/releases/dry-run.md'}]})
    expect(planned.documents).toHaveLength(18)
    expect(fs.existsSync(path.join(ws, 'docs/releases/dry-run.md'))).toBe(false)
  })

  it('never overwrites a file: exit 7 and nothing written', async () => {
    writeFiles(ws, {'docs/releases/taken.md': 'mine\n', 'late/docs/releases/taken.md': 'mine too\n'})
    const [human, asJson, dry] = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['new', 'software-release', 'Taken', '--var', 'start=2027-01-04'], ws),
        runAsync(['new', 'software-release', 'Taken', '--var', 'start=2027-01-04', '--into', 'late', '--json'], ws),
        runAsync(['new', 'software-release', 'Taken', '--dry-run'], ws),
      ]),
    )
    const line = expectError(human as RunResult, 7, /docs\/releases\/taken\.md.*already exists: psp new never overwrites a file/)
    // The path is said once (the message names it; a location prefix repeating it is noise).
    expect(line.split('docs/releases/taken.md')).toHaveLength(2)
    expect(expectJsonError(asJson as RunResult, 7, 'CONFLICT')['message']).toMatch(/late\/docs\/releases\/taken\.md already exists/)
    expectError(dry as RunResult, 7, /already exists/)
    expect(read(ws, 'docs/releases/taken.md')).toBe('mine\n')
  })
})

describe('psp new: template files', () => {
  it('keeps the executable bit, copies binary files as is, renders names and text, --into a subfolder', () => {
    const ws = workspace()
    const tpl = copyTemplate('launch-kit', path.join(scratch(), 'kit'))
    writeFiles(tpl, {'files/bin/{{ slug }}.sh': '#!/bin/sh\necho "{{ name }}"\n'})
    fs.chmodSync(path.join(tpl, 'files/bin/{{ slug }}.sh'), 0o755)
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, ...Buffer.from('{{ name }}')])
    fs.writeFileSync(path.join(tpl, 'files/logo-{{ slug }}.png'), binary)
    const report = json<NewReport>(ok(run(['new', tpl, 'Big Launch', '--var', 'owner=ada', '--var', 'start=2027-01-04', '--into', 'sub/dir', '--json'], ws)))
    expect(report.template).toEqual({name: 'launch-kit', source: 'folder'})
    expect(report.target).toBe(path.join(ws, 'sub', 'dir'))
    expect(report.files.map((f) => f.path).sort()).toEqual(['bin/big-launch.sh', 'docs/big-launch/brief.md', 'logo-big-launch.png'])
    const script = path.join(ws, 'sub/dir/bin/big-launch.sh')
    expect(fs.readFileSync(script, 'utf8')).toBe('#!/bin/sh\necho "Big Launch"\n')
    expect(fs.statSync(script).mode & 0o111).not.toBe(0)
    expect(fs.statSync(path.join(ws, 'sub/dir/docs/big-launch/brief.md')).mode & 0o111).toBe(0)
    expect(fs.readFileSync(path.join(ws, 'sub/dir/logo-big-launch.png')).equals(binary)).toBe(true)
    expect(read(ws, 'sub/dir/docs/big-launch/brief.md')).toBe('# BIG LAUNCH\n\nOwner: ada\nLaunch: 2027-02-01\nKept as written: {{ owner }}\n')
    // The documents still go to data/projects/, whatever --into says.
    expect(report.project.path).toMatch(/^data\/projects\/proj-[0-9a-z]{10}-big-launch\/project\.md$/)
    const project = pspJson(ws, ['project', 'show', report.project.id])
    // A frontmatter value that is one expression keeps its variable's type.
    expect(project).toMatchObject({owner: 'ada', start: '2027-01-04', due: '2027-02-01', size: 'small', weeks: 4, public: false})
    expect(project.body).toContain(`the work starts with [[${report.documents.find((d) => d.key === 'brief')?.id}]]`)
    ok(run(['validate'], ws))
  })
})

describe('psp new: bad input', () => {
  let ws: string
  beforeAll(() => {
    ws = workspace()
  })

  it('refuses bad arguments, flags and variables with one Error line and writes nothing', async () => {
    const kit = fixtureTemplate('launch-kit')
    const withOwner = ['new', kit, 'X', '--var', 'owner=ada']
    const file = path.join(ws, 'config', 'settings.yaml')
    const cases: [string[], number, RegExp][] = [
      [['new', 'nope', 'X'], 4, /^Error: no template named "nope"$/],
      [['new', 'software-release', 'X', '--var', 'nope=1'], 2, /unknown variable nope for template software-release: it declares start, launch, owner/],
      [['new', 'blank', 'X', '--var', 'start=2027-01-04', '--var', 'x=1'], 2, /unknown variables start, x for template blank: it declares none/],
      [[...withOwner, '--var', 'weeks=many'], 2, /variable weeks: "many" is not a whole number/],
      [[...withOwner, '--var', 'weeks=2.5'], 2, /variable weeks: "2.5" is not a whole number/],
      [[...withOwner, '--var', 'weeks=13'], 2, /variable weeks: "13" is (more than|not at most) 12/],
      [[...withOwner, '--var', 'size=huge'], 2, /variable size: "huge" is not one of small, large/],
      [[...withOwner, '--var', 'public=maybe'], 2, /variable public: "maybe" is not true or false/],
      [['new', 'software-release', 'X', '--var', 'start=2027-02-30'], 2, /variable start: "2027-02-30" is not a date/],
      [['new', 'software-release', 'X', '--var', 'start=next week'], 2, /variable start: "next week" is not a date/],
      [['new', kit, 'X', '--var', 'owner=Ada Lovelace'], 2, /variable owner: "Ada Lovelace" (does not match|is not matching) \[a-z\]\+/],
      [['new', 'software-release', 'X', '--var', 'start'], 2, /--var expects key=value, got "start"/],
      [['new'], 2, /Missing 2 required args/],
      [['new', 'blank'], 2, /Missing 1 required arg: name/],
      [['new', 'blank', 'X', '--bogus'], 2, /Nonexistent flag: --bogus/],
      [['new', 'blank', '   '], 2, /the project needs a name/],
      [['new', 'Bad_Name', 'X'], 2, /"Bad_Name" is not a template name/],
      [['new', './no-such-folder', 'X'], 4, /no template folder \.\/no-such-folder/],
      [['new', ws, 'X'], 4, /not a template: no template\.yaml/],
      [['new', 'blank', 'X', '--into', file], 2, /--into .* is a file, not a folder/],
    ]
    const results = await nothingWritten([ws], () => Promise.all(cases.map(([args]) => runAsync(args, ws))))
    cases.forEach(([, code, message], i) => expectError(results[i] as RunResult, code, message))
    // An unknown name lists the templates there are.
    expect((results[0] as RunResult).stderr).toMatch(/^Hint: templates: .*\bblank\b/m)
    expect((results[0] as RunResult).stderr).toMatch(/^Hint: templates: .*\bsoftware-release\b/m)
  })

  it('--json errors are one JSON line with the stable code', async () => {
    const results = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['new', 'nope', 'X', '--json'], ws),
        runAsync(['new', 'software-release', 'X', '--var', 'start=soon', '--json'], ws),
        runAsync(['new', fixtureTemplate('named-file'), 'X', '--var', 'dir=..', '--json'], ws),
      ]),
    )
    expect(expectJsonError(results[0] as RunResult, 4, 'NOT_FOUND')['message']).toBe('no template named "nope"')
    expectJsonError(results[1] as RunResult, 2, 'USAGE')
    expectJsonError(results[2] as RunResult, 8, 'UNSAFE_INPUT')
  })

  it('refuses a malformed template, naming the file and where in it', async () => {
    const base = scratch()
    const tpl = (name: string, files: Record<string, string>) => writeFiles(path.join(base, name), files)
    const manifest = (name: string, extra = '') => `schema: 1\nname: ${name}\ndescription: A broken template.\n${extra}`
    const cases: [string, number, RegExp][] = [
      [tpl('bad-yaml', {'template.yaml': 'schema: 1\nname: [bad-yaml\n', 'plan/project.md': PROJECT_ONLY}), 6, /^Error: bad-yaml\/template\.yaml:\d+:\d+: invalid YAML/],
      [tpl('unknown-key', {'template.yaml': manifest('unknown-key', 'colour: blue\n'), 'plan/project.md': PROJECT_ONLY}), 6, /^Error: unknown-key\/template\.yaml:4:1: colour: unknown key/],
      [tpl('no-description', {'template.yaml': 'schema: 1\nname: no-description\n', 'plan/project.md': PROJECT_ONLY}), 6, /^Error: no-description\/template\.yaml: .*description/],
      [tpl('bad-variable', {'template.yaml': manifest('bad-variable', 'variables:\n  size:\n    type: choice\n'), 'plan/project.md': PROJECT_ONLY}), 6, /template\.yaml:4:1: variables\.size: a choice needs choices/],
      [tpl('unknown-in-default', {'template.yaml': manifest('unknown-in-default', 'variables:\n  end:\n    type: date\n    default: "{{ begin + 1w }}"\n'), 'plan/project.md': PROJECT_ONLY}), 6, /variables\.end: default: .*begin/],
      [tpl('no-project', {'template.yaml': manifest('no-project'), 'plan/tasks/a.md': '---\ntype: task\ntitle: A\n---\n'}), 6, /no-project\/plan: the plan has no project/],
      [tpl('two-projects', {'template.yaml': manifest('two-projects'), 'plan/project.md': PROJECT_ONLY, 'plan/other.md': PROJECT_ONLY}), 6, /the plan has 2 projects/],
      [tpl('with-id', {'template.yaml': manifest('with-id'), 'plan/project.md': PROJECT_ONLY, 'plan/tasks/a.md': '---\ntype: task\ntitle: A\nid: task-abcdefghjk\n---\n'}), 6, /with-id\/plan\/tasks\/a\.md: id: a template document has no id/],
      [tpl('dangling', {'template.yaml': manifest('dangling'), 'plan/project.md': PROJECT_ONLY, 'plan/tasks/a.md': '---\ntype: task\ntitle: A\ndepends_on: [b]\n---\n'}), 6, /dangling\/plan\/tasks\/a\.md: depends_on: "b" is not the key of a document in the plan/],
      [tpl('cycle', {'template.yaml': manifest('cycle'), 'plan/project.md': PROJECT_ONLY, 'plan/tasks/a.md': '---\ntype: task\ntitle: A\ndepends_on: [b]\n---\n', 'plan/tasks/b.md': '---\ntype: task\ntitle: B\ndepends_on: [a]\n---\n'}), 6, /depends_on: dependency cycle: (a → b → a|b → a → b)/],
      [tpl('bad-expression', {'template.yaml': manifest('bad-expression'), 'plan/project.md': '---\ntype: project\ntitle: "{{ name }}"\ndue: "{{ nme + 1w }}"\n---\n'}), 6, /bad-expression\/plan\/project\.md.*nme/],
      [tpl('bad-status', {'template.yaml': manifest('bad-status'), 'plan/project.md': '---\ntype: project\ntitle: "{{ name }}"\nstatus: someday\n---\n'}), 6, /status: "someday" is not allowed/],
    ]
    const results = await nothingWritten([ws], () => Promise.all(cases.map(([folder]) => runAsync(['new', folder, 'X'], ws))))
    cases.forEach(([, code, message], i) => expectError(results[i] as RunResult, code, message))
  })

  it('a variable named like a built-in one, or not a variable name, is named in the error', async () => {
    const base = scratch()
    const tpl = (name: string, variable: string) =>
      writeFiles(path.join(base, name), {'template.yaml': `schema: 1\nname: ${name}\ndescription: A broken template.\nvariables:\n  ${variable}:\n    type: string\n`, 'plan/project.md': PROJECT_ONLY})
    const [builtin, malformed] = await nothingWritten([ws], () => Promise.all([runAsync(['new', tpl('builtin-name', 'slug'), 'X'], ws), runAsync(['new', tpl('bad-name', 'Bad'), 'X'], ws)]))
    expectError(builtin as RunResult, 6, /^Error: builtin-name\/template\.yaml:4:1: variables\.slug: .*name, slug and today are built in/)
    expectError(malformed as RunResult, 6, /^Error: bad-name\/template\.yaml:4:1: variables\.Bad: variable names are lower-case letters/)
  })
})

describe('psp new: unsafe templates and targets (exit 8, nothing written)', () => {
  let ws: string
  let outside: string
  beforeAll(() => {
    ws = workspace()
    outside = scratch('psp-outside-')
    writeFiles(outside, {'secret.txt': 'not yours\n', 'task.md': '---\ntype: task\ntitle: Smuggled\n---\n'})
  })

  it('a file name that renders to .., an absolute path, a slash, .git, a drive letter or data/ is refused', async () => {
    const tpl = fixtureTemplate('named-file')
    const values = ['..', '/etc', `${outside}/x`, 'a/b', 'a\\b', '.', '', '.git', 'C:', 'data']
    const results = await nothingWritten([ws, outside], () => Promise.all(values.map((dir) => runAsync(['new', tpl, 'Notes', '--var', `dir=${dir}`], ws))))
    values.forEach((dir, i) => {
      const line = expectError(results[i] as RunResult, 8, /refused, nothing written$/)
      if (dir !== 'data') expect(line).toContain(`the name renders to "${dir}/notes.md"`)
      else expect(line).toMatch(/would be written into the workspace's data\/ folder/)
    })
  })

  it('a name that merely starts with two dots is inside the target', async () => {
    const tpl = fixtureTemplate('named-file')
    const [data, text] = await nothingWritten([ws], () =>
      Promise.all([runAsync(['new', tpl, 'Notes', '--var', 'dir=..notes', '--dry-run', '--json'], ws), runAsync(['new', tpl, 'Notes', '--var', 'dir=..notes', '--dry-run'], ws)]),
    )
    expect(json<NewReport>(ok(data as RunResult)).files).toEqual([{path: '..notes/notes.md', from: '{{ dir }}/{{ slug }}.md'}])
    // Shown relative to the current folder, as every path below it is.
    expect(ok(text as RunResult).stdout).toContain('\n  ..notes/notes.md\n')
  })

  it('links in the template (files/, plan/, the manifest) are refused before anything is read through them', async () => {
    const base = scratch()
    const linked = (name: string, rel: string, to: string) => {
      const dir = copyTemplate('named-file', path.join(base, name))
      fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
      fs.rmSync(path.join(dir, rel), {force: true})
      fs.symlinkSync(to, path.join(dir, rel))
      return dir
    }
    const cases: [string, string][] = [
      [linked('file-link', 'files/leak.txt', path.join(outside, 'secret.txt')), 'file-link/files/leak.txt'],
      [linked('folder-link', 'files/elsewhere', outside), 'folder-link/files/elsewhere'],
      [linked('plan-link', 'plan/tasks/smuggled.md', path.join(outside, 'task.md')), 'plan-link/plan/tasks/smuggled.md'],
      [linked('manifest-link', 'template.yaml', fixtureTemplate('named-file/template.yaml')), 'manifest-link/template.yaml'],
      [linked('relative-link', 'files/up.txt', '../../../secret.txt'), 'relative-link/files/up.txt'],
    ]
    const results = await nothingWritten([ws, outside], () => Promise.all(cases.map(([dir]) => runAsync(['new', dir, 'Linked'], ws))))
    cases.forEach(([, shown], i) => expectError(results[i] as RunResult, 8, new RegExp(`^Error: ${shown.replaceAll('.', '\\.')}:? (is )?a symbolic link: a template holds only plain files and folders$`)))
  })

  it('a link in the target folder that a template file would be written through is refused', async () => {
    writeFiles(ws, {'linked/README.md': 'mine\n'})
    fs.symlinkSync(outside, path.join(ws, 'linked', 'docs'))
    fs.mkdirSync(path.join(ws, 'deep', 'docs'), {recursive: true})
    fs.symlinkSync(outside, path.join(ws, 'deep', 'docs', 'releases'))
    // A link into the workspace's own data/ folder is no way in either.
    fs.mkdirSync(path.join(ws, 'sneaky'))
    fs.symlinkSync(path.join(ws, 'data'), path.join(ws, 'sneaky', 'docs'))
    const results = await nothingWritten([ws, outside], () =>
      Promise.all([
        runAsync(['new', 'software-release', 'Escape', '--into', 'linked'], ws),
        runAsync(['new', 'software-release', 'Escape', '--into', 'deep'], ws),
        runAsync(['new', 'software-release', 'Escape', '--into', 'linked', '--dry-run'], ws),
        runAsync(['new', 'software-release', 'Escape', '--into', 'sneaky'], ws),
      ]),
    )
    for (const result of results) expectError(result, 8, /software-release\/files\/docs\/releases\/\{\{ slug \}\}\.md would be written outside .* through a symbolic link; refused, nothing written/)
    expect(fs.readdirSync(outside).sort()).toEqual(['secret.txt', 'task.md'])
  })
})

describe('psp new outside a workspace', () => {
  it('makes ./<slug> a psp workspace (settings, git repository) holding the project', async () => {
    const here = scratch()
    const result = json<NewReport>(ok(run(['new', 'blank', 'Side quest', '--json'], here)))
    const target = path.join(here, 'side-quest')
    expect(result).toMatchObject({initialised: true, workspace: target, target, template: {name: 'blank', source: 'builtin'}})
    expect(fs.readdirSync(here)).toEqual(['side-quest'])
    expect(fs.existsSync(path.join(target, 'config', 'settings.yaml'))).toBe(true)
    expect(fs.statSync(path.join(target, '.git')).isDirectory()).toBe(true)
    expect(fs.existsSync(path.join(target, result.project.path))).toBe(true)
    expect(result.project.path).toMatch(/^data\/projects\/proj-[0-9a-z]{10}-side-quest\/project\.md$/)
    const [validate, shown] = await Promise.all([runAsync(['validate'], target), runAsync(['project', 'show', result.project.id, '--json'], target)])
    expect(ok(validate).stderr).toMatch(/1 document checked, no problems/)
    expect(json<Rec>(ok(shown))).toMatchObject({title: 'Side quest', status: 'active'})
  })

  it('--into names the new workspace; the human report says it initialised one', () => {
    const here = scratch()
    const result = ok(run(['new', 'software-release', 'Side quest', '--var', 'start=2027-01-04', '--into', 'work/quest'], here))
    const target = path.join(here, 'work', 'quest')
    expect(result.stdout).toContain('  initialised a psp workspace in work/quest\n')
    expect(result.stdout).toContain('  work/quest/docs/releases/side-quest.md\n')
    expect(fs.existsSync(path.join(target, 'config', 'settings.yaml'))).toBe(true)
    expect(fs.existsSync(path.join(target, '.git'))).toBe(true)
    expect(fs.existsSync(path.join(here, 'side-quest'))).toBe(false)
    expect(ok(run(['validate'], target)).stderr).toMatch(/18 documents checked, no problems/)
  })

  it('a template that fails, or a dry run, leaves no folder behind', async () => {
    const here = scratch()
    writeFiles(here, {'taken/docs/releases/taken.md': 'mine\n'})
    const before = snapshotTree(here)
    const [unsafe, conflict, dry] = await Promise.all([
      runAsync(['new', fixtureTemplate('named-file'), 'Broken', '--var', 'dir=..'], here),
      runAsync(['new', 'software-release', 'Taken'], here),
      runAsync(['new', 'software-release', 'Dry', '--dry-run'], here),
    ])
    expectError(unsafe as RunResult, 8, /renders to "\.\.\/broken\.md"/)
    expectError(conflict as RunResult, 7, /already exists/)
    expect(ok(dry as RunResult).stdout).toMatch(/^Would create project proj-[0-9a-z]{10} "Dry" from template software-release \(builtin\)\n {2}would initialise a psp workspace in dry\n/)
    expect(changedPaths(before, snapshotTree(here))).toEqual([])
    expect(fs.readdirSync(here)).toEqual(['taken'])
    expect(fs.readdirSync(path.join(here, 'taken'))).toEqual(['docs'])
  })
})
