/**
 * `psp template list|show|validate|create-from` with the real built CLI: the built-in templates
 * (each one rendered with `psp new --yes` and validated, as CI must), a workspace template
 * overriding a built-in, broken templates located, and create-from round-tripping a project.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {json, makeWorkspace, psp, pspAsync, REPO_ROOT, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, show, useWorkspaces, type Rec} from './support.js'
import {copyTemplate, fixtureTemplate, nothingWritten, PROJECT_ONLY, useTemplateEnv, writeFiles} from './template-support.js'

interface ListEntry {
  name: string
  source: string
  root: string
  plugin?: string
  description?: string
  overriddenBy?: string
  problem?: string
}

interface Check {
  name: string
  source: string
  valid: boolean
  problems: {file: string; field?: string; message: string}[]
  planned?: {documents: Record<string, number>; files: number}
}

const {dir: scratch, env} = useTemplateEnv()
const workspace = useWorkspaces()
const run = (args: string[], cwd: string): RunResult => psp(args, {cwd, env})
const runAsync = (args: string[], cwd: string): Promise<RunResult> => pspAsync(args, {cwd, env})
const runJson = async <T = Rec>(args: string[], cwd: string): Promise<T> => json<T>(ok(await runAsync([...args, '--json'], cwd)))

describe('psp template list', () => {
  let ws: string
  beforeAll(() => {
    ws = workspace()
  })

  it('lists the built-in templates, here and outside any workspace', async () => {
    const elsewhere = scratch()
    const [inside, outside, text] = await Promise.all([runJson<ListEntry[]>(['template', 'list'], ws), runJson<ListEntry[]>(['template', 'list'], elsewhere), runAsync(['template', 'list'], ws)])
    expect(outside).toEqual(inside)
    const builtins = inside.filter((e) => e.source === 'builtin')
    expect(builtins.map((e) => e.name)).toEqual(expect.arrayContaining(['blank', 'software-release']))
    for (const entry of inside) {
      expect(entry.problem, `${entry.name}: ${entry.problem}`).toBeUndefined()
      expect(entry.overriddenBy).toBeUndefined()
      expect(entry.description?.length).toBeGreaterThan(10)
      expect(fs.existsSync(path.join(entry.root, 'template.yaml'))).toBe(true)
    }
    expect(builtins.find((e) => e.name === 'blank')?.root).toBe(path.join(REPO_ROOT, 'templates', 'blank'))
    const lines = ok(text).stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME +SOURCE +DESCRIPTION$/)
    expect(lines).toHaveLength(inside.length + 1)
    expect(lines.find((l) => l.startsWith('blank '))).toMatch(/^blank +builtin +An empty project/)
  })

  it('a workspace template overrides the built-in of the same name, and psp new uses it', async () => {
    const own = copyTemplate('launch-kit', path.join(ws, 'data', 'templates', 'software-release'))
    fs.writeFileSync(path.join(own, 'template.yaml'), fs.readFileSync(path.join(own, 'template.yaml'), 'utf8').replace('name: launch-kit', 'name: software-release').replace(/^description: .*$/m, 'description: Our own release plan.'))
    const [entries, text, started] = await Promise.all([
      runJson<ListEntry[]>(['template', 'list'], ws),
      runAsync(['template', 'list'], ws),
      runJson<{template: {name: string; source: string}; documents: {key: string; type: string}[]}>(['new', 'software-release', 'Ours', '--var', 'owner=ada', '--var', 'start=2027-01-04'], ws),
    ])
    const releases = entries.filter((e) => e.name === 'software-release')
    expect(releases).toEqual([
      {name: 'software-release', source: 'workspace', root: own, description: 'Our own release plan.'},
      expect.objectContaining({name: 'software-release', source: 'builtin', overriddenBy: 'workspace'}),
    ])
    expect(entries[0]?.source).toBe('workspace')
    const lines = ok(text).stdout.split('\n').filter((l) => l.startsWith('software-release '))
    expect(lines[0]).toMatch(/^software-release +workspace +Our own release plan\.$/)
    expect(lines[1]).toMatch(/^software-release +builtin +.* \(hidden by the workspace template of the same name\)$/)
    expect(started.template).toEqual({name: 'software-release', source: 'workspace'})
    expect(started.documents.map((d) => d.key)).toEqual(['project', 'ready', 'brief', 'ship-it'])
    const [shown, checked] = await Promise.all([runJson<{source: string; root: string}>(['template', 'show', 'software-release'], ws), runJson<{templates: Check[]}>(['template', 'validate', '--all'], ws)])
    expect(shown).toMatchObject({source: 'workspace', root: own})
    // --all checks the template psp new would use, not the one it hides.
    expect(checked.templates.filter((c) => c.name === 'software-release')).toEqual([expect.objectContaining({source: 'workspace', valid: true})])
  })

  it('a broken workspace template is listed as broken, and validate --all locates its problem (exit 1)', async () => {
    const here = workspace()
    writeFiles(path.join(here, 'data', 'templates', 'broken'), {'template.yaml': 'schema: 1\nname: broken\ndescription: Broken on purpose.\ncolour: blue\n', 'plan/project.md': PROJECT_ONLY})
    const [text, entries, all, allJson] = await nothingWritten([here], () =>
      Promise.all([runAsync(['template', 'list'], here), runAsync(['template', 'list', '--json'], here), runAsync(['template', 'validate', '--all'], here), runAsync(['template', 'validate', '--all', '--json'], here)]),
    )
    expect(ok(text as RunResult).stdout).toMatch(/^broken +workspace +BROKEN: broken\/template\.yaml:4(:1)?: colour: unknown key/m)
    expect(json<ListEntry[]>(ok(entries as RunResult)).find((e) => e.name === 'broken')).toMatchObject({source: 'workspace', problem: expect.stringContaining('colour: unknown key')})
    const out = (all as RunResult).stdout
    expect(all?.code, show(all as RunResult)).toBe(1)
    expect(out).toMatch(/^✗ broken \(workspace\): 1 problem\n {2}broken\/template\.yaml:4(:1)?: colour: unknown key/m)
    expect(out).toMatch(/^✓ blank \(builtin\): 1 project$/m)
    expect(allJson?.code).toBe(1)
    const report = json<{valid: boolean; templates: Check[]}>(allJson as RunResult)
    expect(report.valid).toBe(false)
    expect(report.templates.find((c) => c.name === 'broken')).toEqual({name: 'broken', source: 'workspace', valid: false, problems: [expect.objectContaining({file: 'template.yaml', field: 'colour', message: expect.stringContaining('unknown key')})]})
  })

  it("shows a template's control characters escaped, never raw on the terminal", async () => {
    const here = workspace()
    const plan = '---\ntype: project\ntitle: "Evil \\e]0;owned\\a"\n---\n'
    writeFiles(path.join(here, 'data', 'templates', 'evil'), {'template.yaml': 'schema: 1\nname: evil\ndescription: "Looks fine\\e[2J"\n', 'plan/project.md': plan})
    const [list, shown] = await Promise.all([runAsync(['template', 'list'], here), runAsync(['template', 'show', 'evil'], here)])
    for (const result of [ok(list), ok(shown)]) {
      expect(result.stdout).not.toContain('\u001b')
      expect(result.stdout).toContain('\\u001b')
    }
  })
})

describe('psp template show', () => {
  it('shows variables, plan and files, as text and as JSON', async () => {
    const here = scratch()
    const [release, kit, kitJson] = await Promise.all([
      runAsync(['template', 'show', 'software-release'], here),
      runAsync(['template', 'show', fixtureTemplate('launch-kit')], here),
      runJson<Record<string, unknown>>(['template', 'show', fixtureTemplate('launch-kit')], here),
    ])
    const text = ok(release).stdout
    expect(text).toMatch(/^software-release \(builtin\): A software release/)
    expect(text).toMatch(/\nVariables:\n {2}name +string +the project's name/)
    expect(text).toMatch(/^ {2}slug +string +the name as a slug/m)
    expect(text).toMatch(/^ {2}start +date +.*default "today"$/m)
    expect(text).toMatch(/^ {2}launch +date +.*default "\{\{ start \+ 10w \}\}"$/m)
    expect(text).toMatch(/\nPlan:\n {2}project +project: \{\{ name \}\} due \{\{ launch \}\}\n/)
    expect(text).toMatch(/^ {2}milestone +beta: Beta due \{\{ launch - 4w \}\}$/m)
    expect(text).toMatch(/^ {2}task +go-no-go: Hold the go\/no-go meeting due \{\{ launch - \d+d \}\} \(milestone launched; after regression, docs\)$/m)
    expect(text).toMatch(/\nFiles:\n {2}docs\/releases\/\{\{ slug \}\}\.md\n$/)

    // Columns are aligned; what is in them is compared.
    const columns = (text: string) => text.replace(/ {2,}/g, '  ')
    expect(columns(ok(kit).stdout)).toBe(
      [
        "launch-kit (folder): A small launch with a required owner, for psp's end-to-end tests.",
        '',
        'Variables:',
        "  name  string  the project's name (the command's second argument)",
        '  slug  string  the name as a slug (built in)',
        "  today  date  today's date (built in)",
        '  start  date  First day; default "today"',
        '  owner  string  Who leads it; matches [a-z]+; required',
        '  size  one of small|large  How big; default "small"',
        '  weeks  integer  Weeks to launch; ≥ 1, ≤ 12; default 4',
        '  public  boolean  Announce it; default false',
        '  launch  date  Launch day; default "{{ start + weeks w }}"',
        '',
        'Plan:',
        '  project  project: {{ name }} due {{ launch }}',
        '  milestone  ready: Ready to launch due {{ launch - 1w }}',
        '  task  brief: Write the brief due {{ start + 1w }} (milestone ready)',
        '  task  ship-it: Ship it due {{ launch }} (milestone ready; after brief)',
        '',
        'Files:',
        '  docs/{{ slug }}/brief.md',
        '',
      ].join('\n'),
    )
    expect(kitJson).toEqual({
      name: 'launch-kit',
      source: 'folder',
      root: fixtureTemplate('launch-kit'),
      description: "A small launch with a required owner, for psp's end-to-end tests.",
      variables: {
        start: {type: 'date', description: 'First day', default: 'today'},
        owner: {type: 'string', description: 'Who leads it', pattern: '[a-z]+'},
        size: {type: 'choice', description: 'How big', choices: ['small', 'large'], default: 'small'},
        weeks: {type: 'integer', description: 'Weeks to launch', default: 4, min: 1, max: 12},
        public: {type: 'boolean', description: 'Announce it', default: false},
        launch: {type: 'date', description: 'Launch day', default: '{{ start + weeks w }}'},
      },
      documents: [
        {file: 'plan/project.md', key: 'project', type: 'project', title: '{{ name }}', fields: {status: 'active', owner: '{{ owner }}', start: '{{ start }}', due: '{{ launch }}', size: '{{ size }}', weeks: '{{ weeks }}', public: '{{ public }}'}},
        {file: 'plan/milestones/ready.md', key: 'ready', type: 'milestone', title: 'Ready to launch', fields: {status: 'open', due: '{{ launch - 1w }}'}},
        {file: 'plan/tasks/brief.md', key: 'brief', type: 'task', title: 'Write the brief', fields: {milestone: 'ready', assignee: '{{ owner }}', due: '{{ start + 1w }}'}},
        {file: 'plan/tasks/ship.md', key: 'ship-it', type: 'task', title: 'Ship it', fields: {milestone: 'ready', depends_on: ['brief'], due: '{{ launch }}'}},
      ],
      files: [{path: 'docs/{{ slug }}/brief.md', binary: false, executable: false}],
    })
  })

  it('refuses unknown templates and bad arguments', async () => {
    const here = scratch()
    const [named, folder, none, asJson, extra] = await Promise.all([
      runAsync(['template', 'show', 'nope'], here),
      runAsync(['template', 'show', './nope'], here),
      runAsync(['template', 'show'], here),
      runAsync(['template', 'show', 'nope', '--json'], here),
      runAsync(['template', 'show', 'blank', '--bogus'], here),
    ])
    expectError(named as RunResult, 4, /^Error: no template named "nope"$/)
    expect(named?.stderr).toMatch(/^Hint: templates: .*\bsoftware-release\b/m)
    expectError(folder as RunResult, 4, /no template folder \.\/nope/)
    expectError(none as RunResult, 2, /Missing 1 required arg/)
    expectJsonError(asJson as RunResult, 4, 'NOT_FOUND')
    expectError(extra as RunResult, 2, /Nonexistent flag: --bogus/)
    expect(fs.readdirSync(here)).toEqual([])
  })
})

describe('psp template validate', () => {
  let ws: string
  beforeAll(() => {
    ws = workspace()
  })

  it('--all passes for the templates psp ships', async () => {
    const [text, report] = await nothingWritten([ws], () => Promise.all([runAsync(['template', 'validate', '--all'], ws), runAsync(['template', 'validate', '--all', '--json'], ws)]))
    const lines = ok(text as RunResult).stdout.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^✓ [a-z0-9-]+ \((builtin|plugin)\): 1 project\b/)
    expect(lines).toContain('✓ blank (builtin): 1 project')
    expect(lines.find((l) => l.startsWith('✓ software-release '))).toMatch(/^✓ software-release \(builtin\): 1 project, 4 milestones, 13 tasks, 1 file$/)
    const parsed = json<{valid: boolean; templates: Check[]}>(ok(report as RunResult))
    expect(parsed.valid).toBe(true)
    expect(parsed.templates.length).toBe(lines.length)
  })

  /**
   * What CI checks for every template psp ships (built-in ones and those of its bundled
   * plugins): `psp new <t> "Example" --yes` in a fresh workspace makes a project that `psp
   * validate` passes (and, for openspec-feature, `psp openspec validate --all --strict`).
   */
  it('every shipped template renders with --yes into a workspace psp validate passes', async () => {
    const entries = (await runJson<ListEntry[]>(['template', 'list'], scratch())).filter((e) => e.overriddenBy === undefined)
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(['blank', 'software-release']))
    await Promise.all(
      entries.map(async (entry) => {
        const here = makeWorkspace()
        try {
          // A built-in template needs nothing but a name; a plugin's may ask for more.
          const vars: string[] = []
          if (entry.source !== 'builtin') {
            const shown = await runJson<{variables: Record<string, {type: string; default?: unknown; choices?: string[]; min?: number}>}>(['template', 'show', entry.name], here)
            for (const [name, def] of Object.entries(shown.variables)) if (def.default === undefined) vars.push('--var', `${name}=${sampleValue(def)}`)
          }
          const made = await runAsync(['new', entry.name, 'Example', '--yes', '--json', ...vars], here)
          expect(made.code, `${entry.name}: ${show(made)}`).toBe(0)
          const report = json<{project: {id: string}; documents: unknown[]; files: {path: string}[]}>(made)
          for (const file of report.files) expect(fs.existsSync(path.join(here, file.path)), `${entry.name}: ${file.path}`).toBe(true)
          const checks = [runAsync(['validate'], here), runAsync(['board', '--project', report.project.id, '--json'], here)]
          if (entry.name === 'openspec-feature') checks.push(runAsync(['openspec', 'validate', '--all', '--strict'], here))
          const [validate, board, openspec] = await Promise.all(checks)
          expect(validate?.code, `${entry.name}: psp validate\n${show(validate as RunResult)}`).toBe(0)
          expect(validate?.stderr).toMatch(new RegExp(`^${report.documents.length} documents? checked, no problems`, 'm'))
          expect(board?.code, `${entry.name}: psp board\n${show(board as RunResult)}`).toBe(0)
          if (openspec !== undefined) expect(openspec.code, `${entry.name}: psp openspec validate --all --strict\n${show(openspec)}`).toBe(0)
        } finally {
          fs.rmSync(here, {recursive: true, force: true})
        }
      }),
    )
  })

  it('locates the problems of a broken template and exits 1', async () => {
    const base = scratch()
    writeFiles(path.join(base, 'typo'), {
      'template.yaml': 'schema: 1\nname: typo\ndescription: A misspelt variable.\nvariables:\n  launch:\n    type: date\n    default: today\n',
      'plan/project.md': PROJECT_ONLY,
      'plan/tasks/ship.md': '---\ntype: task\ntitle: Ship\ndue: "{{ lanch - 1d }}"\n---\n',
      'files/{{ nme }}.md': 'hello\n',
    })
    writeFiles(path.join(base, 'bad-value'), {
      'template.yaml': 'schema: 1\nname: bad-value\ndescription: A value the schema refuses.\n',
      'plan/project.md': PROJECT_ONLY,
      'plan/tasks/ship.md': '---\ntype: task\ntitle: Ship\npriority: urgent\n---\n',
    })
    writeFiles(path.join(base, 'bad-yaml'), {'template.yaml': 'schema: 1\nname: [\n', 'plan/project.md': PROJECT_ONLY})
    const [typo, badValue, both, mixed, badYaml] = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['template', 'validate', path.join(base, 'typo')], ws),
        runAsync(['template', 'validate', path.join(base, 'bad-value')], ws),
        runAsync(['template', 'validate', path.join(base, 'typo'), path.join(base, 'bad-value'), '--json'], ws),
        runAsync(['template', 'validate', 'blank', path.join(base, 'bad-value')], ws),
        runAsync(['template', 'validate', path.join(base, 'bad-yaml')], base),
      ]),
    )
    expect(typo?.code, show(typo as RunResult)).toBe(1)
    expect(typo?.stdout).toMatch(/^✗ typo \(folder\): 2 problems\n/)
    expect(typo?.stdout).toMatch(/^ {2}typo\/plan\/tasks\/ship\.md: due: .*unknown variable "lanch"$/m)
    expect(typo?.stdout).toMatch(/^ {2}typo\/files\/\{\{ nme \}\}\.md: .*unknown variable "nme"$/m)
    expect(badValue?.code).toBe(1)
    expect(badValue?.stdout).toMatch(/^✗ bad-value \(folder\): 1 problem\n {2}bad-value\/plan\/tasks\/ship\.md: priority: "urgent" is not allowed/)
    expect(both?.code).toBe(1)
    const report = json<{valid: boolean; templates: Check[]}>(both as RunResult)
    expect(report.valid).toBe(false)
    expect(report.templates.map((c) => [c.name, c.valid, c.problems.length])).toEqual([['typo', false, 2], ['bad-value', false, 1]])
    expect(report.templates[1]?.problems[0]).toMatchObject({file: 'plan/tasks/ship.md', field: 'priority'})
    expect(mixed?.code).toBe(1)
    expect(mixed?.stdout).toMatch(/^✓ blank \(builtin\): 1 project\n✗ bad-value \(folder\): 1 problem\n/)
    // Outside a workspace too, and for a manifest that cannot be read at all.
    expect(badYaml?.code, show(badYaml as RunResult)).toBe(1)
    expect(badYaml?.stdout).toMatch(/^✗ .*bad-yaml \(\w+\): 1 problem\n {2}.*bad-yaml\/template\.yaml:3(:\d+)?: invalid YAML/)
  })

  it('a template holding a link fails its check, located at the link', () => {
    const tpl = copyTemplate('named-file', path.join(scratch(), 'linked'))
    fs.symlinkSync('/etc/hostname', path.join(tpl, 'files', 'leak.txt'))
    const result = run(['template', 'validate', './linked'], path.dirname(tpl))
    expect(result.code, show(result)).toBe(1)
    const problem = result.stdout.split('\n')[1] as string
    expect(problem).toMatch(/^ {2}linked\/files\/leak\.txt: .*symbolic link/)
    // The location names the template's folder once (not linked/linked).
    expect(problem).not.toMatch(/linked\/linked/)
  })

  it('refuses bad arguments', async () => {
    const [none, both, unknown, folder] = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['template', 'validate'], ws),
        runAsync(['template', 'validate', 'blank', '--all'], ws),
        runAsync(['template', 'validate', 'nope'], ws),
        runAsync(['template', 'validate', './nope'], ws),
      ]),
    )
    expectError(none as RunResult, 2, /name a template to check, or use --all/)
    expectError(both as RunResult, 2, /not both/)
    expectError(unknown as RunResult, 4, /no template named "nope"/)
    expectError(folder as RunResult, 4, /no template folder \.\/nope/)
  })
})

describe('psp template create-from', () => {
  let ws: string
  let source: {project: {id: string}; documents: {key: string; id: string; type: string; title: string}[]}
  let external: Rec
  beforeAll(() => {
    ws = workspace()
    source = json(ok(run(['new', 'software-release', 'Mobile app 2.0', '--var', 'start=2027-01-04', '--var', 'owner=ada', '--json'], ws)))
    // A finished task (its status stays behind) and a dependency outside the project (dropped).
    const goals = source.documents.find((d) => d.key === 'goals')?.id as string
    ok(run(['task', 'edit', goals, '--set', 'status=done'], ws))
    external = json<Rec>(ok(run(['task', 'add', 'Sign the contract', '--json'], ws)))
    ok(run(['task', 'edit', source.documents.find((d) => d.key === 'build')?.id as string, '--add', `depends_on=${external.id}`], ws))
  })

  it('writes data/templates/<name>/ and psp new from it round-trips the plan (same relative dates, structure)', async () => {
    const build = source.documents.find((d) => d.key === 'build')?.id as string
    const made = json<{name: string; path: string; files: string[]; anchor: string; droppedDependencies: unknown[]}>(ok(run(['template', 'create-from', source.project.id, '--name', 'my-release', '--json'], ws)))
    expect(made).toMatchObject({name: 'my-release', anchor: '2027-01-04', droppedDependencies: [{task: build, on: external.id}]})
    expect(made.path, 'the template folder').toBe('data/templates/my-release')
    expect(made.files).toHaveLength(19)
    expect(made.files).toContain('data/templates/my-release/template.yaml')
    expect(made.files).toContain('data/templates/my-release/plan/project.md')
    for (const file of made.files) expect(fs.existsSync(path.join(ws, file)), file).toBe(true)

    const [listed, checked, copy] = await Promise.all([
      runJson<ListEntry[]>(['template', 'list'], ws),
      runAsync(['template', 'validate', 'my-release'], ws),
      runJson<{project: {id: string}; variables: Record<string, unknown>; template: {source: string}}>(['new', 'my-release', 'Tablet app', '--var', 'start=2027-06-07'], ws),
    ])
    expect(listed[0]).toMatchObject({name: 'my-release', source: 'workspace', description: 'Made from the project "Mobile app 2.0"'})
    expect(ok(checked).stdout).toBe('✓ my-release (workspace): 1 project, 4 milestones, 13 tasks\n')
    expect(copy.template.source).toBe('workspace')

    const [before, after] = await Promise.all([plan(ws, source.project.id, '2027-01-04'), plan(ws, copy.project.id, '2027-06-07')])
    // Where the project stood stays behind: the new one starts active, its milestones open, its tasks to do.
    expect(after.project).toEqual({...before.project, title: 'Tablet app'})
    expect(after.records).toEqual(before.records.map((r) => ({...r, status: r.type === 'task' ? 'todo' : 'open', depends_on: r.depends_on.filter((d) => d !== 'Sign the contract')})))
    ok(run(['validate'], ws))
  })

  it('the human report names every file, the anchor date and the dependency left out', () => {
    const result = ok(run(['template', 'create-from', source.project.id], ws))
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`Created template mobile-app-2-0 from ${source.project.id} (dates count from start, 2027-01-04 in the project)`)
    expect(lines).toContain('  data/templates/mobile-app-2-0/template.yaml')
    expect(lines).toContain(`  note: ${source.documents.find((d) => d.key === 'build')?.id} depends on ${external.id}, outside the project: left out`)
    expect(lines.at(-1)).toBe('Use it: psp new mobile-app-2-0 "<name>" --var start=YYYY-MM-DD')
  })

  it('refuses an unknown project, an existing template name and a bad name, writing nothing', async () => {
    const elsewhere = scratch()
    const [unknown, existing, existingJson, badName, missing, outside] = await nothingWritten([ws], () =>
      Promise.all([
        runAsync(['template', 'create-from', 'proj-zzzzzzzzzz'], ws),
        runAsync(['template', 'create-from', source.project.id, '--name', 'my-release'], ws),
        runAsync(['template', 'create-from', source.project.id, '--name', 'my-release', '--json'], ws),
        runAsync(['template', 'create-from', source.project.id, '--name', 'My Release'], ws),
        runAsync(['template', 'create-from'], ws),
        runAsync(['template', 'create-from', source.project.id], elsewhere),
      ]),
    )
    expectError(unknown as RunResult, 4, /no project matches "proj-zzzzzzzzzz"/)
    const line = expectError(existing as RunResult, 7, /data\/templates\/my-release already exists: choose another --name/)
    // The path is said once.
    expect(line.split('data/templates/my-release')).toHaveLength(2)
    expectJsonError(existingJson as RunResult, 7, 'CONFLICT')
    expectError(badName as RunResult, 2, /"My Release" is not a template name/)
    expectError(missing as RunResult, 2, /Missing 1 required arg/)
    expectError(outside as RunResult, 3, /not inside a psp workspace/)
  })
})

/** A value a required variable of this kind accepts. */
function sampleValue(def: {type: string; choices?: string[]; min?: number}): string {
  if (def.type === 'date') return '2027-01-04'
  if (def.type === 'integer' || def.type === 'number') return String(def.min ?? 1)
  if (def.type === 'boolean') return 'false'
  if (def.type === 'choice') return def.choices?.[0] ?? ''
  return 'example'
}

/** A project's plan in comparable form: titles for references, dates as day offsets from `start`. */
async function plan(ws: string, projectId: string, start: string) {
  const [project, milestones, tasks] = await Promise.all([
    runJson(['project', 'show', projectId], ws),
    runJson<Rec[]>(['milestone', 'list', '--project', projectId], ws),
    runJson<Rec[]>(['task', 'list', '--project', projectId], ws),
  ])
  const all = [...milestones, ...tasks]
  const title = new Map<string, string>(all.map((r) => [r.id, r.title]))
  const offset = (value: unknown) => (typeof value === 'string' ? (Date.parse(value) - Date.parse(start)) / 86_400_000 : value)
  const records = all
    .map((r) => ({
      type: r.type,
      title: r.title,
      status: r.status,
      due: offset(r.due),
      milestone: typeof r.milestone === 'string' ? title.get(r.milestone) : undefined,
      depends_on: ((r.depends_on as string[] | undefined) ?? []).map((id) => title.get(id) ?? 'Sign the contract').sort(),
      assignee: r.assignee,
      priority: r.priority,
      estimate: r.estimate,
    }))
    .sort((a, b) => a.title.localeCompare(b.title))
  return {project: {title: project.title, start: offset(project.start), due: offset(project.due), owner: project['owner'], tags: project['tags'], status: project['status']}, records}
}
