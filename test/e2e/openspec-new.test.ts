/**
 * `psp openspec init` and `psp openspec new change`: the tree they make is one the real openspec
 * CLI reads as its own (the change's metadata byte for byte), they only ever add what is missing,
 * and bad names, schemas and existing changes are refused with nothing written.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cleanup, json, psp, REPO_ROOT, snapshotFiles, tempDir} from '../helpers/cli.js'
import {expectError, ok, show} from './support.js'

const OPENSPEC_BIN = path.join(REPO_ROOT, 'node_modules', '@fission-ai', 'openspec', 'bin', 'openspec.js')

/** The real openspec CLI, never phoning home. */
function openspec(args: string[], cwd: string): {code: number; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [OPENSPEC_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
    env: {...process.env, OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1', NO_COLOR: '1'},
    timeout: 60_000,
  })
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

const dirs: string[] = []
afterAll(() => dirs.forEach(cleanup))
function dir(): string {
  const d = tempDir('psp-openspec-new-')
  dirs.push(d)
  return d
}

/** Every file under `root`, relative, sorted. */
function files(root: string): string[] {
  return (fs.readdirSync(root, {recursive: true, withFileTypes: true}) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
}

describe('psp openspec init', () => {
  it('lays out the folders openspec init makes, and the openspec CLI accepts the root', () => {
    const d = dir()
    const out = ok(psp(['openspec', 'init'], {cwd: d})).stdout
    expect(out).toMatch(/created openspec\/config\.yaml/)
    const theirs = dir()
    expect(openspec(['init', '--tools', 'none'], theirs).code).toBe(0)
    expect(files(d)).toEqual(files(theirs))
    expect(fs.readFileSync(path.join(d, 'openspec', 'config.yaml'), 'utf8')).toMatch(/^schema: spec-driven\n/)
    const listed = openspec(['list', '--json'], d)
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout)).toMatchObject({changes: []})
  })

  it('changes nothing the second time, or after openspec init', () => {
    const d = dir()
    ok(psp(['openspec', 'init'], {cwd: d}))
    const before = snapshotFiles(d)
    expect(json<{created: string[]}>(ok(psp(['openspec', 'init', '--json'], {cwd: d}))).created).toEqual([])
    expect(snapshotFiles(d)).toEqual(before)

    const theirs = dir()
    openspec(['init', '--tools', 'none'], theirs)
    const config = fs.readFileSync(path.join(theirs, 'openspec', 'config.yaml'), 'utf8')
    expect(json<{created: string[]}>(ok(psp(['openspec', 'init', '--json'], {cwd: theirs}))).created).toEqual([])
    expect(fs.readFileSync(path.join(theirs, 'openspec', 'config.yaml'), 'utf8')).toBe(config)
  })

  it('initialises another folder given as an argument', () => {
    const d = dir()
    ok(psp(['openspec', 'init', 'service'], {cwd: d}))
    expect(fs.existsSync(path.join(d, 'service', 'openspec', 'specs', '.gitkeep'))).toBe(true)
  })

  it('takes --tools none, as openspec scripts pass it, and refuses to set up AI tools', () => {
    const d = dir()
    ok(psp(['openspec', 'init', '--tools', 'none'], {cwd: d}))
    expect(fs.existsSync(path.join(d, 'openspec', 'config.yaml'))).toBe(true)
    const other = dir()
    expectError(psp(['openspec', 'init', '--tools', 'claude'], {cwd: other}), 2, /psp sets up no AI tools/)
    expect(fs.readdirSync(other)).toEqual([])
  })

  it('refuses a file where a folder belongs, writing nothing', () => {
    const d = dir()
    fs.mkdirSync(path.join(d, 'openspec'))
    fs.writeFileSync(path.join(d, 'openspec', 'specs'), 'not a folder\n')
    const before = snapshotFiles(d)
    expectError(psp(['openspec', 'init'], {cwd: d}), 8, /openspec\/specs\/ exists but is not a directory/)
    expect(snapshotFiles(d)).toEqual(before)
  })
})

describe('psp openspec new change', () => {
  it('writes the same change as openspec new change, and prints the same JSON', () => {
    const ours = dir()
    const theirs = dir()
    for (const d of [ours, theirs]) fs.mkdirSync(path.join(d, 'openspec', 'specs'), {recursive: true})
    const mine = json<Record<string, unknown>>(ok(psp(['openspec', 'new', 'change', 'add-login', '--goal', 'Sign in: fast', '--json'], {cwd: ours})))
    const r = openspec(['new', 'change', 'add-login', '--goal', 'Sign in: fast', '--json'], theirs)
    expect(r.code, r.stderr).toBe(0)
    const real = realPaths(theirs, ours)
    expect(mine).toEqual(JSON.parse(real(r.stdout)))
    expect(files(ours)).toEqual(files(theirs))
    for (const rel of files(ours)) expect(fs.readFileSync(path.join(ours, rel), 'utf8'), rel).toBe(fs.readFileSync(path.join(theirs, rel), 'utf8'))
    // openspec reads it back as a change of its own.
    const validated = openspec(['validate', 'add-login', '--json'], ours)
    expect(JSON.parse(validated.stdout)).toMatchObject({items: [{id: 'add-login', type: 'change'}]})
  })

  it('works from a subfolder, writes a README from --description, and makes a root when there is none', () => {
    const d = dir()
    fs.mkdirSync(path.join(d, 'openspec', 'changes'), {recursive: true})
    fs.mkdirSync(path.join(d, 'src', 'lib'), {recursive: true})
    ok(psp(['openspec', 'new', 'change', 'add-x', '--description', 'Why and what.'], {cwd: path.join(d, 'src', 'lib')}))
    expect(fs.readFileSync(path.join(d, 'openspec', 'changes', 'add-x', 'README.md'), 'utf8')).toBe('# add-x\n\nWhy and what.\n')

    const bare = dir()
    const result = ok(psp(['openspec', 'new', 'change', 'first'], {cwd: bare}))
    expect(result.stdout).toBe("Created change 'first' at openspec/changes/first/\nSchema: spec-driven\n")
    expect(result.stderr).toMatch(/no OpenSpec root was found/)
    expect(files(bare)).toEqual(['openspec/changes/first/.openspec.yaml', 'openspec/config.yaml'])
  })

  it.each([
    [['Add_Login'], 2, /must be lowercase/],
    [['add login'], 2, /cannot contain spaces/],
    [['../escape'], 2, /only contain lowercase letters, numbers, and hyphens/],
    [['/tmp/abs'], 2, /only contain lowercase letters, numbers, and hyphens/],
    [['add--x'], 2, /consecutive hyphens/],
    [['add-x', '--schema', 'nope'], 2, /Schema 'nope' not found\. Available schemas: spec-driven/],
    [['existing'], 7, /Change 'existing' already exists/],
  ])('refuses %j with one line and nothing written', (args, code, message) => {
    const d = dir()
    fs.mkdirSync(path.join(d, 'openspec', 'changes', 'existing'), {recursive: true})
    const before = snapshotFiles(d)
    expectError(psp(['openspec', 'new', 'change', ...args], {cwd: d}), code, message)
    expect(snapshotFiles(d)).toEqual(before)
    expect(fs.existsSync(path.join(path.dirname(d), 'escape'))).toBe(false)
  })

  it('reports a refusal as openspec does with --json: the payload alone on stdout, non-zero exit', () => {
    const d = dir()
    fs.mkdirSync(path.join(d, 'openspec', 'changes', 'existing'), {recursive: true})
    const r = psp(['openspec', 'new', 'change', 'existing', '--json'], {cwd: d})
    expect(r.code, show(r)).not.toBe(0)
    const real = openspec(['new', 'change', 'existing', '--json'], d)
    expect(real.code).not.toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(real.stdout))
  })

  it('rejects a missing name and unknown flags', () => {
    const d = dir()
    fs.mkdirSync(path.join(d, 'openspec', 'specs'), {recursive: true})
    const before = snapshotFiles(d)
    expectError(psp(['openspec', 'new', 'change'], {cwd: d}), 2, /name/)
    expectError(psp(['openspec', 'new', 'change', 'add-x', '--frobnicate'], {cwd: d}), 2, /frobnicate/)
    expect(snapshotFiles(d)).toEqual(before)
  })
})

/** Rewrites absolute paths of `from` (and its real path) in text to those of `to`. */
function realPaths(from: string, to: string): (text: string) => string {
  const pairs = [
    [fs.realpathSync(from), fs.realpathSync(to)],
    [from, to],
  ]
  return (text) => pairs.reduce((t, [a, b]) => t.split(a as string).join(b as string), text)
}
