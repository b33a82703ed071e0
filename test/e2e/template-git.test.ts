/**
 * Templates from git URLs, against a real smart-HTTP git server (git http-backend, see
 * test/helpers/git-http-server.ts): a template at the top of a repository, one in a subfolder,
 * one on a tag; unknown refs, folders and repositories refused clearly; the temporary clone
 * removed every time.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {git, json, makeWorkspace, pspAsync, spawnAsync, type RunResult} from '../helpers/cli.js'
import {startGitServer, type GitServer} from '../helpers/git-http-server.js'
import {expectError, expectJsonError, ok, pspJson, read, useIsolatedGitConfig, type Rec} from './support.js'
import {copyTemplate, fixtureTemplate, useTemplateEnv} from './template-support.js'

interface NewReport {
  template: {name: string; source: string; commit?: string}
  variables: Record<string, unknown>
  project: {id: string; title: string; path: string}
  documents: {key: string; type: string}[]
  files: {path: string}[]
}

useIsolatedGitConfig('psp-tplgit-config-')

/** The git CLI makes the server (git http-backend) and the repository; psp itself needs none. */
const hasGit = spawnSync('git', ['--version']).status === 0
if (!hasGit) console.warn('skipping the git template tests: no git CLI to serve a repository with')

/** The temporary clones in the system's temporary folder (to prove none is left behind). */
const systemClones = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('psp-template-'))
const {dir: scratch, env: baseEnv} = useTemplateEnv()

describe.skipIf(!hasGit)('psp new and psp template show from a git URL', () => {
  let server: GitServer
  let url: string
  let ws: string
  /** psp's own temporary folder: the clones of this file's runs go there, and must go away. */
  let tmp: string
  let env: Record<string, string>
  let mainCommit: string
  let tagCommit: string
  let clonesBefore: string[]
  const run = (args: string[], cwd = ws): Promise<RunResult> => pspAsync(args, {cwd, env})

  beforeAll(async () => {
    server = await startGitServer()
    url = server.createRepo('templates.git')
    tmp = scratch('psp-tmp-')
    env = {...baseEnv, TMPDIR: tmp}
    ws = makeWorkspace()

    // The repository: the named-file template at its top, launch-kit in release/. Tag v1, then
    // main moves on (launch-kit's description changes), so the tag and main differ.
    const work = scratch('psp-tplgit-repo-')
    git(['init', '-q', '--initial-branch=main'], work)
    fs.cpSync(fixtureTemplate('named-file'), work, {recursive: true})
    copyTemplate('launch-kit', path.join(work, 'release'))
    git(['add', '-A'], work)
    git(['commit', '-qm', 'Two templates'], work)
    git(['tag', 'v1'], work)
    tagCommit = git(['rev-parse', 'HEAD'], work).trim()
    const manifest = path.join(work, 'release', 'template.yaml')
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(/^description: .*$/m, 'description: The second version of launch-kit.'))
    git(['commit', '-qam', 'launch-kit v2'], work)
    git(['tag', '-a', 'v2', '-m', 'Version 2'], work)
    mainCommit = git(['rev-parse', 'HEAD'], work).trim()
    // Not the synchronous git(): the server answering the push lives in this process.
    ok(await spawnAsync('git', ['push', '-q', url, 'main', 'v1', 'v2'], {cwd: work}))
    clonesBefore = systemClones()
  })
  afterAll(async () => {
    await server?.close()
    if (ws) fs.rmSync(ws, {recursive: true, force: true})
  })

  it('psp new <url> uses the template at the top of the repository (main)', async () => {
    const report = json<NewReport>(ok(await run(['new', url, 'From git', '--json'])))
    expect(report.template).toEqual({name: 'named-file', source: 'url', commit: mainCommit})
    expect(report.files).toEqual([expect.objectContaining({path: 'notes/from-git.md'})])
    expect(read(ws, 'notes/from-git.md')).toBe('Notes for From git\n')
    expect(pspJson(ws, ['project', 'show', report.project.id])).toMatchObject({title: 'From git'})
  })

  it('psp new <url>//release#v1 uses the subfolder at the tag', async () => {
    const [atTag, onMain, annotated] = await Promise.all([
      run(['new', `${url}//release#v1`, 'Y', '--var', 'owner=ada', '--var', 'start=2027-01-04', '--json']),
      run(['new', `${url}//release`, 'Z', '--var', 'owner=bo', '--var', 'start=2027-01-04', '--into', 'z', '--json']),
      run(['template', 'show', `${url}//release#v2`, '--json']),
    ])
    const report = json<NewReport>(ok(atTag))
    expect(report.template).toEqual({name: 'launch-kit', source: 'url', commit: tagCommit})
    expect(report.documents.map((d) => d.key)).toEqual(['project', 'ready', 'brief', 'ship-it'])
    expect(pspJson(ws, ['project', 'show', report.project.id])).toMatchObject({title: 'Y', owner: 'ada', start: '2027-01-04', due: '2027-02-01'})
    expect(read(ws, 'docs/y/brief.md')).toContain('Owner: ada\n')
    expect(json<NewReport>(ok(onMain)).template).toEqual({name: 'launch-kit', source: 'url', commit: mainCommit})
    // An annotated tag names the commit it is on.
    expect(json(ok(annotated))).toMatchObject({name: 'launch-kit', commit: mainCommit, description: 'The second version of launch-kit.'})
    expect(pspJson<Rec[]>(ws, ['task', 'list', '--project', report.project.id])).toHaveLength(2)
    ok(await run(['validate']))
  })

  it('psp template show and validate read a git URL', async () => {
    const [text, atTag, onMain, checked] = await Promise.all([
      run(['template', 'show', `${url}//release`], scratch()),
      run(['template', 'show', `${url}//release#v1`, '--json'], scratch()),
      run(['template', 'show', `${url}//release`, '--json'], scratch()),
      run(['template', 'validate', url, `${url}//release#v1`]),
    ])
    expect(ok(text).stdout).toMatch(/^launch-kit \(url\): The second version of launch-kit\.\n/)
    expect(json(ok(atTag))).toMatchObject({name: 'launch-kit', source: 'url', commit: tagCommit, description: "A small launch with a required owner, for psp's end-to-end tests."})
    expect(json(ok(onMain))).toMatchObject({name: 'launch-kit', commit: mainCommit, description: 'The second version of launch-kit.'})
    expect(ok(checked).stdout).toBe('✓ named-file (url): 1 project, 1 file\n✓ launch-kit (url): 1 project, 1 milestone, 2 tasks, 1 file\n')
  })

  it('an unknown ref, folder or repository is a clear error, and nothing is written', async () => {
    const before = fs.readdirSync(path.join(ws, 'data', 'projects')).sort()
    const [ref, folder, repo, refJson, badRef, up] = await Promise.all([
      run(['new', `${url}#nope`, 'X']),
      run(['new', `${url}//nowhere`, 'X']),
      run(['new', `${server.url}/missing.git`, 'X']),
      run(['template', 'show', `${url}//release#v9`, '--json']),
      run(['new', `${url}#bad..ref`, 'X']),
      run(['new', `${url}//../etc`, 'X']),
    ])
    expectError(ref as RunResult, 4, new RegExp(`^Error: ${url.replaceAll('.', '\\.')} has no branch or tag "nope"$`))
    expectError(folder as RunResult, 4, /has no folder nowhere$/)
    expectError(repo as RunResult, 9, /cannot fetch template http:\/\/127\.0\.0\.1:\d+\/missing\.git/)
    expect(expectJsonError(refJson as RunResult, 4, 'NOT_FOUND')['message']).toMatch(/has no branch or tag "v9"/)
    expectError(badRef as RunResult, 2, /"bad\.\.ref" is not a branch or tag name/)
    expectError(up as RunResult, 2, /"\.\.\/etc" is not a folder inside the repository/)
    expect(fs.readdirSync(path.join(ws, 'data', 'projects')).sort()).toEqual(before)
  })

  it('every temporary clone is gone afterwards', () => {
    // All of this file's psp runs used `tmp` as their temporary folder.
    expect(server.requests.length).toBeGreaterThan(0)
    expect(fs.readdirSync(tmp).filter((name) => name.startsWith('psp-template-'))).toEqual([])
    expect(systemClones().filter((name) => !clonesBefore.includes(name))).toEqual([])
  })
})
