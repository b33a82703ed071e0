/**
 * The test git server (test/helpers/git-http-server.ts) is a real smart-HTTP server: what the git
 * CLI or isomorphic-git pushes lands in a bare repository and the other client fetches it.
 *
 * Every git CLI run here is asynchronous (spawn, not spawnSync): the server answers from this
 * process's event loop, so a synchronous child talking to it would wait forever.
 */
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import gitHttp from 'isomorphic-git/http/node'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startGitServer, type GitServer} from '../helpers/git-http-server.js'

const AUTHOR = {name: 'Test', email: 'test@example.com'}

/** git CLI environment: fixed identity, no user/system config (no credential helpers), never a prompt. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && value !== undefined) env[key] = value
  return {
    ...env,
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    ...extra,
  }
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the git CLI without blocking the event loop (the server lives in this process). */
function gitCli(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const fullArgs = ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', ...args]
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, {cwd, env: gitEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr})
    })
  })
}

/** Like gitCli, but throws unless git exits 0; returns stdout. */
async function gitOk(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const result = await gitCli(args, cwd, extraEnv)
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
  return result.stdout
}

const temps: string[] = []
function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-git-http-')))
  temps.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, {recursive: true, force: true})
})

/** Writes `file` in `dir` and commits it with the git CLI; returns the new commit. */
async function cliCommit(dir: string, file: string, text: string | Buffer, message = `change ${file}`): Promise<string> {
  fs.mkdirSync(path.dirname(path.join(dir, file)), {recursive: true})
  fs.writeFileSync(path.join(dir, file), text)
  await gitOk(['add', '--', file], dir)
  await gitOk(['commit', '-q', '-m', message], dir)
  return (await gitOk(['rev-parse', 'HEAD'], dir)).trim()
}

/** Writes `file` in `dir` and commits it with isomorphic-git; returns the new commit. */
async function isoCommit(dir: string, file: string, text: string, message = `change ${file}`): Promise<string> {
  fs.writeFileSync(path.join(dir, file), text)
  await git.add({fs, dir, filepath: file})
  return git.commit({fs, dir, message, author: AUTHOR})
}

/** The pids of this process's child processes that run git-http-backend (Linux /proc; undefined elsewhere). */
function backendChildren(): number[] | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined
  const found: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid !== process.pid) continue
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmdline.includes('http-backend')) found.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

describe('git http server without auth', () => {
  let server: GitServer
  beforeAll(async () => {
    server = await startGitServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('serves clone, push and a second clone to the git CLI (large push streamed, gzip negotiation)', async () => {
    const url = server.createRepo('cli.git')
    expect(url).toBe(`${server.url}/cli.git`)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(fs.existsSync(path.join(server.root, 'cli.git', 'HEAD'))).toBe(true)

    const work = tempDir()
    const a = path.join(work, 'a')
    const cloneEmpty = await gitCli(['clone', url, a], work)
    expect(cloneEmpty.code, cloneEmpty.stderr).toBe(0)
    expect(cloneEmpty.stderr).toContain('empty repository')

    await cliCommit(a, 'README.md', 'hello\n', 'first')
    // 3 MiB of incompressible bytes: more than http.postBuffer (1 MiB), so the push is sent chunked.
    const big = randomBytes(3 * 1024 * 1024)
    const head = await cliCommit(a, 'data/big.bin', big, 'big')
    // Many refs, so that the second clone's negotiation is over 1 KiB and git gzips it.
    for (let i = 0; i < 40; i++) await gitOk(['tag', `tag-number-${String(i).padStart(3, '0')}`], a)
    await gitOk(['push', '-q', 'origin', 'main', '--tags'], a)

    // A body over http.postBuffer: git first POSTs a 4-byte probe ("0000"), then streams the pack chunked.
    const receive = server.requests.filter((r) => r.path === '/cli.git/git-receive-pack')
    expect(receive.map((r) => [r.method, r.status])).toEqual([
      ['POST', 200],
      ['POST', 200],
    ])
    expect(receive[0]?.bytes).toBe(4)
    expect(receive[1]?.chunked).toBe(true)
    expect(receive[1]?.bytes).toBeGreaterThan(big.length)

    const b = path.join(work, 'b')
    await gitOk(['clone', '-q', url, b], work)
    expect((await gitOk(['rev-parse', 'HEAD'], b)).trim()).toBe(head)
    expect(fs.readFileSync(path.join(b, 'README.md'), 'utf8')).toBe('hello\n')
    expect(fs.readFileSync(path.join(b, 'data', 'big.bin')).equals(big)).toBe(true)
    expect((await gitOk(['tag', '--list'], b)).trim().split('\n')).toHaveLength(40)

    // The bare repository itself holds the commit (not a temporary copy).
    const inRoot = spawnSync('git', ['--git-dir', path.join(server.root, 'cli.git'), 'rev-parse', 'refs/heads/main'], {encoding: 'utf8', env: gitEnv()})
    expect(inRoot.stdout.trim()).toBe(head)

    const upload = server.requests.filter((r) => r.path === '/cli.git/git-upload-pack')
    expect(upload.length).toBeGreaterThan(0)
    expect(upload.every((r) => r.status === 200)).toBe(true)
    expect(upload.some((r) => r.contentEncoding === 'gzip')).toBe(true)
    expect(server.requests.some((r) => r.gitProtocol === 'version=2')).toBe(true)
  })

  it('rejects a non-fast-forward push (client side, and server side with receive.denyNonFastForwards)', async () => {
    const work = tempDir()
    for (const [name, deny] of [['nff.git', false], ['deny.git', true]] as const) {
      const url = server.createRepo(name, {denyNonFastForwards: deny})
      const a = path.join(work, `${name}-a`)
      const b = path.join(work, `${name}-b`)
      await gitOk(['clone', '-q', url, a], work)
      await cliCommit(a, 'f.txt', 'base\n')
      await gitOk(['push', '-q', 'origin', 'main'], a)
      await gitOk(['clone', '-q', url, b], work)
      const pushedByA = await cliCommit(a, 'f.txt', 'from a\n')
      await gitOk(['push', '-q', 'origin', 'main'], a)
      await cliCommit(b, 'g.txt', 'from b\n')

      // b is behind: a plain push is refused.
      const plain = await gitCli(['push', 'origin', 'main'], b)
      expect(plain.code).not.toBe(0)
      expect(plain.stderr).toMatch(/\[rejected\]/)

      // b has fetched (the remote commit is known locally): still refused as non-fast-forward.
      await gitOk(['fetch', '-q', 'origin'], b)
      const known = await gitCli(['push', 'origin', 'main'], b)
      expect(known.code).not.toBe(0)
      expect(known.stderr).toMatch(/non-fast-forward/)

      const forced = await gitCli(['push', '--force', 'origin', 'main'], b)
      const remoteHead = spawnSync('git', ['--git-dir', path.join(server.root, name), 'rev-parse', 'main'], {encoding: 'utf8', env: gitEnv()}).stdout.trim()
      if (deny) {
        // Only the server can refuse a forced push.
        expect(forced.code).not.toBe(0)
        expect(forced.stderr).toMatch(/\[remote rejected\] main -> main \(non-fast-forward\)/)
        expect(remoteHead).toBe(pushedByA)
      } else {
        expect(forced.code, forced.stderr).toBe(0)
        expect(remoteHead).not.toBe(pushedByA)
      }
    }
  })

  it('serves isomorphic-git: clone, commit, push; fetch of a commit pushed by the git CLI', async () => {
    const url = server.createRepo('iso.git')
    const work = tempDir()
    const cli = path.join(work, 'cli')
    await gitOk(['clone', '-q', url, cli], work)
    await cliCommit(cli, 'a.md', 'one\n', 'seed')
    await gitOk(['push', '-q', 'origin', 'main'], cli)

    const iso = path.join(work, 'iso')
    await git.clone({fs, http: gitHttp, dir: iso, url, ref: 'main', singleBranch: true})
    expect(fs.readFileSync(path.join(iso, 'a.md'), 'utf8')).toBe('one\n')

    // isomorphic-git commits and pushes; the git CLI pulls it.
    const isoHead = await isoCommit(iso, 'b.md', 'from iso\n')
    const pushed = await git.push({fs, http: gitHttp, dir: iso, remote: 'origin', ref: 'main'})
    expect(pushed.ok).toBe(true)
    expect(pushed.refs['refs/heads/main']).toEqual({ok: true, error: ''})
    await gitOk(['pull', '-q', '--ff-only', 'origin', 'main'], cli)
    expect((await gitOk(['rev-parse', 'HEAD'], cli)).trim()).toBe(isoHead)
    expect(fs.readFileSync(path.join(cli, 'b.md'), 'utf8')).toBe('from iso\n')
    expect((await gitOk(['fsck', '--no-progress'], cli)).trim()).toBe('')

    // The git CLI pushes; isomorphic-git fetches it and fast-forwards.
    const cliHead = await cliCommit(cli, 'c.md', 'from cli\n')
    await gitOk(['push', '-q', 'origin', 'main'], cli)
    const fetched = await git.fetch({fs, http: gitHttp, dir: iso, remote: 'origin', ref: 'main', singleBranch: true})
    expect(fetched.fetchHead).toBe(cliHead)
    expect(await git.resolveRef({fs, dir: iso, ref: 'refs/remotes/origin/main'})).toBe(cliHead)
    await git.merge({fs, dir: iso, ours: 'main', theirs: 'refs/remotes/origin/main', fastForwardOnly: true, author: AUTHOR})
    await git.checkout({fs, dir: iso, ref: 'main'})
    expect(fs.readFileSync(path.join(iso, 'c.md'), 'utf8')).toBe('from cli\n')

    // Behind the remote, isomorphic-git's push is refused.
    await cliCommit(cli, 'd.md', 'cli again\n')
    await gitOk(['push', '-q', 'origin', 'main'], cli)
    await isoCommit(iso, 'e.md', 'iso again\n')
    await expect(git.push({fs, http: gitHttp, dir: iso, remote: 'origin', ref: 'main'})).rejects.toMatchObject({code: 'PushRejectedError'})

    // isomorphic-git speaks protocol v1: it sends no Git-Protocol header.
    const isoRequests = server.requests.filter((r) => r.path.startsWith('/iso.git/') && r.gitProtocol === undefined)
    expect(isoRequests.some((r) => r.path === '/iso.git/git-receive-pack' && r.status === 200)).toBe(true)
  })

  it('isomorphic-git and an empty repository: clone lands on master; init + addRemote + push main works', async () => {
    const url = server.createRepo('iso-empty.git')
    const work = tempDir()

    // Pitfall: the server advertises no refs, so isomorphic-git's clone keeps its own default
    // branch, master, even when asked for ref 'main'.
    const cloned = path.join(work, 'cloned')
    await git.clone({fs, http: gitHttp, dir: cloned, url, ref: 'main'})
    expect(await git.listBranches({fs, dir: cloned})).toEqual([])
    expect(fs.readFileSync(path.join(cloned, '.git', 'HEAD'), 'utf8').trim()).toBe('ref: refs/heads/master')

    const dir = path.join(work, 'inited')
    await git.init({fs, dir, defaultBranch: 'main'})
    await git.addRemote({fs, dir, remote: 'origin', url})
    const head = await isoCommit(dir, 'first.md', 'first\n', 'first')
    const pushed = await git.push({fs, http: gitHttp, dir, remote: 'origin', ref: 'main'})
    expect(pushed.ok).toBe(true)
    const remoteHead = spawnSync('git', ['--git-dir', path.join(server.root, 'iso-empty.git'), 'rev-parse', 'main'], {encoding: 'utf8', env: gitEnv()}).stdout.trim()
    expect(remoteHead).toBe(head)
  })

  it('isomorphic-git: a forced push the server refuses is a GitPushError with the per-ref reason', async () => {
    const url = server.createRepo('iso-deny.git', {denyNonFastForwards: true})
    const work = tempDir()
    const cli = path.join(work, 'cli')
    await gitOk(['clone', '-q', url, cli], work)
    await cliCommit(cli, 'a.md', 'a\n')
    await gitOk(['push', '-q', 'origin', 'main'], cli)

    const iso = path.join(work, 'iso')
    await git.init({fs, dir: iso, defaultBranch: 'main'})
    await git.addRemote({fs, dir: iso, remote: 'origin', url})
    await isoCommit(iso, 'b.md', 'unrelated\n')
    // Not forced: isomorphic-git refuses by itself before sending anything.
    await expect(git.push({fs, http: gitHttp, dir: iso, remote: 'origin', ref: 'main'})).rejects.toMatchObject({code: 'PushRejectedError', data: {reason: 'not-fast-forward'}})
    // Forced: the server refuses (receive.denyNonFastForwards).
    await expect(git.push({fs, http: gitHttp, dir: iso, remote: 'origin', ref: 'main', force: true})).rejects.toMatchObject({
      code: 'GitPushError',
      data: {result: {ok: true, refs: {'refs/heads/main': {ok: false, error: 'non-fast-forward'}}}},
    })
  })

  it('answers 404 for a repository that does not exist', async () => {
    const dir = path.join(tempDir(), 'x')
    const cli = await gitCli(['clone', `${server.url}/missing.git`, dir], os.tmpdir())
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toMatch(/not found|404/)
    await expect(git.clone({fs, http: gitHttp, dir, url: `${server.url}/missing.git`})).rejects.toMatchObject({code: 'HttpError', data: {statusCode: 404}})
    expect(server.requests.some((r) => r.path.startsWith('/missing.git/') && r.status === 404)).toBe(true)
  })
})

describe('git http server with HTTP Basic auth', () => {
  const credentials = {username: 'alice', password: 'p@ss w:rd'}
  let server: GitServer
  let url: string
  beforeAll(async () => {
    server = await startGitServer({auth: credentials})
    url = server.createRepo('private.git')
    const seed = path.join(tempDir(), 'seed')
    await gitOk(['init', '-q', seed], os.tmpdir())
    await cliCommit(seed, 'secret.md', 'secret\n')
    await gitOk(['push', '-q', server.repoUrl('private.git', credentials), 'main'], seed)
  })
  afterAll(async () => {
    await server.close()
  })

  it('answers 401 with a Basic challenge without credentials', async () => {
    const res = await fetch(`${url}/info/refs?service=git-upload-pack`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="psp-test"')
  })

  it('git CLI: fails without credentials or with a wrong password; clones with credentials in the URL or an extra header', async () => {
    const work = tempDir()
    const none = await gitCli(['clone', url, path.join(work, 'none')], work)
    expect(none.code).not.toBe(0)
    expect(none.stderr).toMatch(/terminal prompts disabled|Authentication failed|401/)

    const wrong = await gitCli(['clone', server.repoUrl('private.git', {...credentials, password: 'nope'}), path.join(work, 'wrong')], work)
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/Authentication failed/)

    await gitOk(['clone', '-q', server.repoUrl('private.git', credentials), path.join(work, 'in-url')], work)
    expect(fs.readFileSync(path.join(work, 'in-url', 'secret.md'), 'utf8')).toBe('secret\n')

    const header = `Authorization: Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    await gitOk(['-c', `http.extraHeader=${header}`, 'clone', '-q', url, path.join(work, 'header')], work)
    expect(fs.readFileSync(path.join(work, 'header', 'secret.md'), 'utf8')).toBe('secret\n')

    expect(server.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0)
    expect(server.requests.filter((r) => r.status === 200).every((r) => r.user === 'alice')).toBe(true)
  })

  it('isomorphic-git: 401 without credentials; onAuth supplies them for clone and push', async () => {
    const work = tempDir()
    await expect(git.clone({fs, http: gitHttp, dir: path.join(work, 'none'), url})).rejects.toMatchObject({code: 'HttpError', data: {statusCode: 401}})

    // A wrong answer from onAuth: the retry fails, onAuthFailure is asked, and cancelling ends it.
    const failures: string[] = []
    await expect(
      git.clone({
        fs,
        http: gitHttp,
        dir: path.join(work, 'wrong'),
        url,
        onAuth: () => ({username: credentials.username, password: 'nope'}),
        onAuthFailure: (u) => {
          failures.push(u)
          return {cancel: true}
        },
      }),
    ).rejects.toMatchObject({code: 'UserCanceledError'})
    expect(failures).toEqual([url])

    const asked: string[] = []
    const onAuth = (u: string) => {
      asked.push(u)
      return {username: credentials.username, password: credentials.password}
    }
    const dir = path.join(work, 'ok')
    await git.clone({fs, http: gitHttp, dir, url, onAuth})
    expect(fs.readFileSync(path.join(dir, 'secret.md'), 'utf8')).toBe('secret\n')
    // Asked once, after the first 401 (not up front); the POST reuses the credentials.
    expect(asked).toEqual([url])

    const head = await isoCommit(dir, 'more.md', 'more\n')
    const pushed = await git.push({fs, http: gitHttp, dir, remote: 'origin', ref: 'main', onAuth})
    expect(pushed.ok).toBe(true)
    expect(asked).toHaveLength(2)

    // Credentials given up front as a header: no 401 round trip, onAuth never asked.
    const before = server.requests.length
    const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
    const fetched = await git.fetch({fs, http: gitHttp, dir, remote: 'origin', headers: {Authorization: authorization}})
    expect(fetched.fetchHead).toBe(head)
    expect(server.requests.slice(before).every((r) => r.status === 200)).toBe(true)
  })
})

describe('close()', () => {
  let server: GitServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  it('frees the port, kills a backend still running and removes its own root', async () => {
    server = await startGitServer()
    const url = server.createRepo('r.git')
    const port = Number(new URL(server.url).port)
    const root = server.root

    // A push whose body never ends keeps git-http-backend (receive-pack) waiting on its stdin.
    const req = http.request(`${url}/git-receive-pack`, {method: 'POST', headers: {'Content-Type': 'application/x-git-receive-pack-request'}})
    req.on('error', () => {})
    req.flushHeaders()
    let running: number[] | undefined = []
    for (let i = 0; i < 100; i++) {
      running = backendChildren()
      if (running === undefined || running.length > 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (running !== undefined) expect(running).toHaveLength(1)

    await server.close()
    await server.close() // a second close is harmless
    server = undefined
    if (running !== undefined) {
      expect(backendChildren()).toEqual([])
      for (const pid of running) expect(() => process.kill(pid, 0)).toThrow()
    }
    expect(fs.existsSync(root)).toBe(false)

    // Nobody listens on the port any more, and it can be bound again.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.on('connect', () => {
        socket.destroy()
        resolve(false)
      })
      socket.on('error', () => resolve(true))
    })
    expect(refused).toBe(true)
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer()
      probe.once('error', reject)
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
    })
  })

  it('leaves a root it was given in place', async () => {
    const root = tempDir()
    server = await startGitServer({root})
    server.createRepo('kept.git')
    expect(server.root).toBe(root)
    await server.close()
    server = undefined
    expect(fs.existsSync(path.join(root, 'kept.git', 'HEAD'))).toBe(true)
  })
})
