/**
 * The parts of psp sync that need no server: remote URLs (https instead of ssh), who commits
 * (environment, repository config, global config, without git), merge bases as git finds them,
 * and which credentials are offered.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError, type GitCommit, type GitLocation} from '@psp/core'
import {
  assertHttpRemote,
  commitsBetween,
  DEFAULT_TOKEN_USERNAME,
  GitIdentityError,
  httpsEquivalent,
  mergeBases,
  parseGitDate,
  redactUrl,
  remoteAuth,
  resolveIdentity,
} from '@psp/core/sync'
import {useTempDirs} from '../_helpers.js'

describe('remote URLs', () => {
  it('derives the https URL of ssh and git remotes', () => {
    expect(httpsEquivalent('git@github.com:acme/plans.git')).toBe('https://github.com/acme/plans.git')
    expect(httpsEquivalent('github.com:acme/plans')).toBe('https://github.com/acme/plans')
    expect(httpsEquivalent('ssh://git@gitlab.example.com:2222/team/plans.git')).toBe('https://gitlab.example.com/team/plans.git')
    expect(httpsEquivalent('ssh://host/~user/plans.git')).toBe('https://host/plans.git')
    expect(httpsEquivalent('git://example.org/plans.git')).toBe('https://example.org/plans.git')
    expect(httpsEquivalent('/srv/git/plans.git')).toBeUndefined()
    expect(httpsEquivalent('C:\\repos\\plans')).toBeUndefined()
    expect(httpsEquivalent('../plans.git')).toBeUndefined()
    expect(httpsEquivalent('file:///srv/plans.git')).toBeUndefined()
  })

  it('accepts http(s) and refuses the rest with a UsageError naming the fix', () => {
    expect(() => assertHttpRemote('origin', 'https://example.org/p.git')).not.toThrow()
    expect(() => assertHttpRemote('origin', 'http://127.0.0.1:8080/p.git')).not.toThrow()
    const error = (() => {
      try {
        assertHttpRemote('origin', 'git@github.com:acme/plans.git')
      } catch (e) {
        return e as UsageError
      }
    })()
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.data).toMatchObject({https: 'https://github.com/acme/plans.git', remote: 'origin'})
    expect(() => assertHttpRemote('up', 'file:///srv/p.git')).toThrow('remote "up" is file:///srv/p.git: psp sync speaks HTTP(S) only; local and file:// remotes are not supported')
  })

  it('never shows credentials', () => {
    expect(redactUrl('https://alice:s3cret@example.org/p.git')).toBe('https://example.org/p.git')
    expect(redactUrl('https://token@example.org/p.git')).toBe('https://example.org/p.git')
    expect(() => assertHttpRemote('o', 'ssh://alice:pw@host/p.git')).toThrow(/^remote "o" is ssh:\/\/host\/p\.git:/)
  })
})

describe('identity', () => {
  const tempDir = useTempDirs()
  const repo = (): {location: GitLocation; home: string} => {
    const top = tempDir()
    fs.mkdirSync(path.join(top, '.git'))
    const home = path.join(top, 'home')
    fs.mkdirSync(home)
    return {location: {gitDir: path.join(top, '.git'), commonDir: path.join(top, '.git'), workTree: top}, home}
  }
  const now = new Date('2026-03-01T10:00:00Z')

  it('reads the environment first, then the repository, then the global config (following include.path)', () => {
    const {location, home} = repo()
    const env = {HOME: home, GIT_CONFIG_NOSYSTEM: '1'}
    expect(() => resolveIdentity(location, env, now)).toThrow(GitIdentityError)
    fs.writeFileSync(path.join(home, '.gitconfig'), '[include]\n\tpath = ~/.gitconfig-id\n')
    fs.writeFileSync(path.join(home, '.gitconfig-id'), '[user]\n\tname = Gail Global\n\temail = gail@example.com\n')
    expect(resolveIdentity(location, env, now).author).toMatchObject({name: 'Gail Global', email: 'gail@example.com', timestamp: now.getTime() / 1000})
    fs.writeFileSync(path.join(location.gitDir, 'config'), '[user]\n\tname = "Rita Repo"\n[committer]\n\temail = bot@example.com\n')
    const id = resolveIdentity(location, {...env, GIT_AUTHOR_EMAIL: 'env@example.com', GIT_COMMITTER_DATE: '@1700000000 +0130'}, now)
    expect(id.author).toMatchObject({name: 'Rita Repo', email: 'env@example.com'})
    expect(id.committer).toMatchObject({name: 'Rita Repo', email: 'bot@example.com', timestamp: 1_700_000_000, tz: 90})
    // XDG config is read when there is no ~/.gitconfig entry; GIT_CONFIG_GLOBAL replaces both.
    const other = path.join(home, 'other-config')
    fs.writeFileSync(other, '[user]\n\tname = Only This\n\temail = only@example.com\n')
    fs.rmSync(path.join(location.gitDir, 'config'))
    expect(resolveIdentity(location, {...env, GIT_CONFIG_GLOBAL: other}, now).author.name).toBe('Only This')
  })

  it('says exactly what is missing', () => {
    const {location, home} = repo()
    fs.writeFileSync(path.join(location.gitDir, 'config'), '[user]\n\tname = No Mail\n')
    expect(() => resolveIdentity(location, {HOME: home, GIT_CONFIG_NOSYSTEM: '1'}, now)).toThrow(
      "no email for the author of psp sync's commits: set user.name and user.email in your git config, or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL",
    )
  })

  it('reads git dates', () => {
    expect(parseGitDate('1700000000 -0500')).toEqual({timestamp: 1_700_000_000, tz: -300})
    expect(parseGitDate('2026-03-01T10:00:00+02:00')).toEqual({timestamp: Date.parse('2026-03-01T08:00:00Z') / 1000, tz: 120})
    expect(parseGitDate('yesterday-ish')).toBeUndefined()
  })
})

describe('merge bases', () => {
  /** A commit graph from `child: parents` lines, commit times in the order given. */
  function graph(spec: Record<string, string[]>): (oid: string) => GitCommit {
    const times = new Map(Object.keys(spec).map((k, i) => [k, 1000 + i]))
    const person = (time: number) => ({name: 't', email: 't@e', time, tz: 0})
    return (oid) => {
      const parents = spec[oid]
      if (parents === undefined) throw new Error(`no commit ${oid}`)
      const time = times.get(oid) as number
      return {oid, tree: 't', parents, author: person(time), committer: person(time), message: `${oid}\n`}
    }
  }

  it('finds the fork point, an ancestor, several bases of a criss-cross, none for unrelated histories', () => {
    const read = graph({a: [], b: ['a'], c: ['b'], d: ['b'], e: ['c'], x: [], y: ['x']})
    expect(mergeBases(read, 'e', 'd')).toEqual(['b'])
    expect(mergeBases(read, 'e', 'b')).toEqual(['b'])
    expect(mergeBases(read, 'c', 'e')).toEqual(['c'])
    expect(mergeBases(read, 'e', 'y')).toEqual([])
    // criss-cross: m1 = merge(p, q), m2 = merge(q, p): both p and q are best common ancestors.
    const cross = graph({r: [], p: ['r'], q: ['r'], m1: ['p', 'q'], m2: ['q', 'p'], s: ['m1'], t: ['m2']})
    expect(mergeBases(cross, 's', 't').sort()).toEqual(['p', 'q'])
  })

  it('counts the commits one side has that the other does not', () => {
    const read = graph({a: [], b: ['a'], c: ['b'], side: ['a'], m: ['c', 'side'], d: ['b']})
    expect(commitsBetween(read, 'm', ['d'], 10).commits.map((c) => c.oid)).toEqual(['m', 'side', 'c'])
    expect(commitsBetween(read, 'm', ['d'], 1)).toMatchObject({count: 3, commits: [{oid: 'm'}]})
    expect(commitsBetween(read, 'b', ['m'], 10).count).toBe(0)
  })
})

describe('credentials', () => {
  it('offers PSP_GIT_TOKEN (default user name) only when the server asks, and cancels when refused', async () => {
    const auth = remoteAuth({env: {PSP_GIT_TOKEN: 'tok'}})
    expect(auth.asked).toBeUndefined()
    expect(await auth.onAuth('https://h/r.git', {})).toEqual({username: DEFAULT_TOKEN_USERNAME, password: 'tok'})
    expect(await auth.onAuthFailure('https://h/r.git', {})).toEqual({cancel: true})
    expect(auth.refused).toBe(true)
    expect(await remoteAuth({env: {PSP_GIT_TOKEN: 'tok', PSP_GIT_USERNAME: 'oauth2'}}).onAuth('https://h/r.git', {})).toMatchObject({username: 'oauth2'})
  })

  it('asks git credential fill once, without prompts when there is no terminal; approves and rejects as git does', async () => {
    const calls: Array<{args: string[]; input: string; prompt: string | undefined}> = []
    const runGit = async (args: string[], input: string, env: NodeJS.ProcessEnv) => {
      calls.push({args, input, prompt: env['GIT_TERMINAL_PROMPT']})
      return {status: 0, stdout: 'protocol=https\nhost=h\nusername=ann\npassword=pw\n'}
    }
    const auth = remoteAuth({env: {}, runGit})
    const url = 'https://user:old@h/team/r.git/info/refs?service=git-upload-pack'
    expect(await auth.onAuth(url, {})).toEqual({username: 'ann', password: 'pw'})
    expect(await auth.onAuth(url, {})).toEqual({username: 'ann', password: 'pw'})
    await auth.onAuthSuccess(url, {username: 'ann', password: 'pw'})
    await auth.onAuthSuccess(url, {username: 'ann', password: 'pw'})
    expect(calls.map((c) => c.args.join(' '))).toEqual(['credential fill', 'credential approve'])
    expect(calls[0]).toMatchObject({input: 'url=https://h/team/r.git\n\n', prompt: '0'})
    expect(calls[1]?.input).toBe('url=https://h/team/r.git\nusername=ann\npassword=pw\n\n')
    expect(await auth.onAuthFailure(url, {username: 'ann', password: 'pw'})).toEqual({cancel: true})
    expect(calls.map((c) => c.args[1])).toEqual(['fill', 'approve', 'reject'])
    // No git binary: nothing to offer.
    expect(await remoteAuth({env: {}, runGit: async () => undefined}).onAuth(url, {})).toEqual({cancel: true})
  })
})
