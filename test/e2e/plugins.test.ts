/**
 * Plugins: the bundled research, analytics and augment plugins answer and run in a workspace, and a
 * third-party plugin written here (compiled JS importing `@psp/core` and `@psp/command` by package
 * name) is linked
 * with `psp plugins link`, runs, and is removed again. oclif's data, config and cache folders point
 * into a temporary folder, so the user's real plugin list is never touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, psp, REPO_ROOT, tempDir, writeDocument} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson} from './support.js'

const PLUGIN_NAME = 'psp-plugin-count'

const COMMAND = `import {PspCommand} from '@psp/command'
import {DocumentStore} from '@psp/core'

export default class CountTasks extends PspCommand {
  static description = 'Count the tasks of the workspace.'

  async run() {
    const store = new DocumentStore(this.workspace())
    const tasks = store.list('task').length
    this.print(\`\${tasks} tasks\`)
    return {tasks}
  }
}
`

/** Writes the third-party plugin into `dir` and links its dependencies the way `npm link` would. */
function writePlugin(dir: string): void {
  fs.mkdirSync(path.join(dir, 'dist', 'commands'), {recursive: true})
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: PLUGIN_NAME,
        version: '1.0.0',
        type: 'module',
        dependencies: {'@oclif/core': '4.14.0', '@psp/command': '0.1.0', '@psp/core': '0.1.0'},
        oclif: {commands: './dist/commands', topicSeparator: ' '},
      },
      null,
      2,
    ),
  )
  fs.writeFileSync(path.join(dir, 'dist', 'commands', 'count-tasks.js'), COMMAND)
  // '@psp/core' resolves by package name through node_modules, as after `npm link @psp/core`.
  fs.mkdirSync(path.join(dir, 'node_modules', '@psp'), {recursive: true})
  fs.mkdirSync(path.join(dir, 'node_modules', '@oclif'), {recursive: true})
  fs.symlinkSync(path.join(REPO_ROOT, 'packages', 'core'), path.join(dir, 'node_modules', '@psp', 'core'), 'dir')
  fs.symlinkSync(path.join(REPO_ROOT, 'packages', 'command'), path.join(dir, 'node_modules', '@psp', 'command'), 'dir')
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', '@oclif', 'core'), path.join(dir, 'node_modules', '@oclif', 'core'), 'dir')
}

describe('bundled plugins', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
    writeDocument(ws, 'data/notes/n1.md', {id: 'note-n1', type: 'note', title: 'Prior art', source: 'https://example.com/paper'})
    writeDocument(ws, 'data/tasks/t1.md', {id: 'task-t1', type: 'task', title: 'One', status: 'todo'})
    writeDocument(ws, 'data/tasks/t2.md', {id: 'task-t2', type: 'task', title: 'Two', status: 'done'})
    writeDocument(ws, 'data/tasks/t3.md', {id: 'task-t3', type: 'task', title: 'Three', status: 'todo'})
  })
  afterAll(() => cleanup(ws))

  // The bundled plugins must be in both `oclif.plugins` and `dependencies`: @oclif/core 4
  // silently skips a core plugin listed only in the first.
  for (const name of ['research', 'analytics', 'augment']) {
    it(`psp ${name} --help answers`, () => {
      const result = ok(psp([name, '--help'], {cwd: ws}))
      expect(result.stdout).toContain(`$ psp ${name}`)
      expect(result.stdout).toMatch(/USAGE/)
    })
  }

  it('psp research lists the research notes', () => {
    expect(ok(psp(['research'], {cwd: ws})).stdout).toBe('note-n1  Prior art  (https://example.com/paper)\n')
    expect(pspJson<unknown[]>(ws, ['research'])).toEqual([{id: 'note-n1', path: 'data/notes/n1.md', title: 'Prior art', source: 'https://example.com/paper'}])
  })

  it('psp analytics counts records by type and status', () => {
    expect(ok(psp(['analytics'], {cwd: ws})).stdout).toContain('task: 3 (todo 2, done 1)')
    expect(pspJson<Record<string, unknown>>(ws, ['analytics'])).toEqual({note: {'(none)': 1}, task: {todo: 2, done: 1}})
  })

  it('psp augment reports the .augment/ state', () => {
    const state = pspJson<{state: {schemaVersion: number}; versions: string[]; runLogLines: number}>(ws, ['augment'])
    expect(state.state.schemaVersion).toBe(1)
    expect(state.versions.map((v) => v.split(' ')[0])).toEqual(['psp', 'node', 'git'])
    expect(state.runLogLines).toBe(0)
  })

  it('the plugins fail like psp commands outside a workspace (exit 3, one line)', () => {
    const outside = tempDir()
    try {
      for (const name of ['research', 'analytics', 'augment']) expectError(psp([name], {cwd: outside}), 3, /not inside a psp workspace/)
    } finally {
      cleanup(outside)
    }
  })
})

describe('a third-party plugin', () => {
  let root: string
  let ws: string
  let pluginDir: string
  let env: Record<string, string>
  beforeAll(() => {
    root = tempDir('psp-plugin-test-')
    pluginDir = path.join(root, PLUGIN_NAME)
    writePlugin(pluginDir)
    env = {
      XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
      XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
      XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
      // oclif warns that it will not transpile a linked ESM plugin: this one ships compiled JS.
      OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
    }
    ws = makeWorkspace()
    for (const n of [1, 2, 3, 4]) writeDocument(ws, `data/tasks/t${n}.md`, {id: `task-t${n}`, type: 'task', title: `Task ${n}`})
    writeDocument(ws, 'data/archive/tasks/t5.md', {id: 'task-t5', type: 'task', title: 'Archived'})
    writeDocument(ws, 'data/projects/p/project.md', {id: 'proj-p', type: 'project', title: 'Not a task'})
  })
  afterAll(() => {
    cleanup(root)
    cleanup(ws)
  })

  const pluginList = () => path.join(root, 'xdg', 'data', 'psp', 'package.json')

  it('is linked with `psp plugins link --no-install`, runs, and is unlinked', () => {
    ok(psp(['plugins', 'link', pluginDir, '--no-install'], {cwd: ws, env}))
    // The link landed in the isolated data folder, not in the user's.
    expect(fs.readFileSync(pluginList(), 'utf8')).toContain(PLUGIN_NAME)
    expect(ok(psp(['plugins'], {cwd: ws, env})).stdout).toContain(`${PLUGIN_NAME} 1.0.0 (link) ${pluginDir}`)

    const counted = ok(psp(['count-tasks'], {cwd: ws, env}))
    expect(counted.stdout).toBe('4 tasks\n')
    expect(json(ok(psp(['count-tasks', '--json'], {cwd: path.join(ws, 'data'), env})))).toEqual({tasks: 4})
    // An error thrown by the core inside a plugin is rendered like any psp error.
    const outside = tempDir()
    try {
      expectError(psp(['count-tasks'], {cwd: outside, env}), 3, /not inside a psp workspace/)
    } finally {
      cleanup(outside)
    }

    ok(psp(['plugins', 'unlink', PLUGIN_NAME], {cwd: ws, env}))
    expect(JSON.parse(fs.readFileSync(pluginList(), 'utf8'))).toMatchObject({oclif: {plugins: []}})
    const gone = psp(['count-tasks'], {cwd: ws, env})
    expect(gone.code).toBe(127)
    expect(gone.stderr).toMatch(/count-tasks is not a psp command/)
  })

  // A plugin command extending @psp/command's PspCommand fails exactly like psp's own commands
  // (invariant 5: data on stdout, diagnostics on stderr).
  it('a plugin command fails under --json like psp commands: {"error"} on stderr, stdout empty', () => {
    ok(psp(['plugins', 'link', pluginDir, '--no-install'], {cwd: ws, env}))
    const outside = tempDir()
    try {
      expectJsonError(psp(['count-tasks', '--json'], {cwd: outside, env}), 3, 'NO_WORKSPACE')
    } finally {
      cleanup(outside)
      ok(psp(['plugins', 'unlink', PLUGIN_NAME], {cwd: ws, env}))
    }
  })

  it('`psp plugins uninstall` removes a linked plugin too', () => {
    ok(psp(['plugins', 'link', pluginDir, '--no-install'], {cwd: ws, env}))
    expect(ok(psp(['count-tasks'], {cwd: ws, env})).stdout).toBe('4 tasks\n')
    ok(psp(['plugins', 'uninstall', PLUGIN_NAME], {cwd: ws, env}))
    expect(JSON.parse(fs.readFileSync(pluginList(), 'utf8'))).toMatchObject({oclif: {plugins: []}})
    expect(ok(psp(['plugins'], {cwd: ws, env})).stdout).not.toContain(PLUGIN_NAME)
    // The plugin's own folder is the user's: uninstalling a link never deletes it.
    expect(fs.existsSync(path.join(pluginDir, 'dist', 'commands', 'count-tasks.js'))).toBe(true)
  })
})
