/**
 * Clones of one psp workspace around the real smart-HTTP test server, for the sync tests: a remote
 * seeded with a committed `psp init` workspace, clones made by isomorphic-git (in this process:
 * the server answers from this event loop, so nothing here may block on a child process), and
 * `sync()` running the core's syncWorkspace in-process with a fixed identity and no user config.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import gitHttp from 'isomorphic-git/http/node'
import {DocumentStore, GitRepository, initWorkspace, Workspace} from '@psp/core'
import {syncWorkspace, type SyncOptions, type SyncReport} from '@psp/core/sync'
import {afterAll, beforeAll} from 'vitest'
import {startGitServer, type GitServer, type GitServerOptions} from './git-http-server.js'
import {startGitServerProcess, type GitServerProcess} from './git-server-process.js'

export const AUTHOR = {name: 'Sync Test', email: 'sync@example.com'}

/** Room the sync suites need at most at once (the 2 × 1,000 test's clones are the largest). */
const SCRATCH_BYTES = 512 * 1024 * 1024

/**
 * Where clones go: PSP_TEST_TMP, else /dev/shm where there is one with room enough (a memory
 * file system: the store's fsyncs and git's many small files cost a fraction there; containers
 * often give it only 64 MiB), else the system's temp folder.
 */
export function scratchRoot(): string {
  const chosen = process.env['PSP_TEST_TMP']
  if (chosen !== undefined && chosen !== '') return chosen
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK)
    const {bavail, bsize} = fs.statfsSync('/dev/shm')
    if (fs.statSync('/dev/shm').isDirectory() && bavail * bsize >= SCRATCH_BYTES) return '/dev/shm'
  } catch {
    // not Linux, or not writable
  }
  return os.tmpdir()
}

/** An environment with no user or system git config, a temp HOME, a fixed identity and nothing of the caller's GIT_* variables. */
export function syncEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && !key.startsWith('PSP_GIT_') && value !== undefined) env[key] = value
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, 'gitconfig'),
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  }
}

export interface Clone {
  name: string
  dir: string
  env: Record<string, string | undefined>
  ws(): Workspace
  store(): DocumentStore
  sync(options?: SyncOptions): Promise<SyncReport>
  /** HEAD's tree id (equal trees ⇔ equal ids). */
  tree(): string
  head(): string | undefined
  /** Every committed file under a folder (default all): path → text. */
  files(folder?: string): Map<string, string>
  read(rel: string): string
  write(rel: string, text: string): void
  exists(rel: string): boolean
}

/** The server as the fixture uses it: in this process (with its request log) or in a child process. */
export type FixtureServer = GitServerProcess & {requests?: GitServer['requests']}

export interface SyncFixture {
  server: FixtureServer
  root: string
  /** A bare repository on the server holding one commit: a fresh `psp init` workspace (plus `seed` files). */
  seedRemote(name: string, seed?: Record<string, string>): Promise<string>
  clone(url: string, name: string, options?: {env?: Record<string, string | undefined>; auth?: {username: string; password: string}}): Promise<Clone>
  close(): Promise<void>
}

/**
 * A server and a folder for clones. `process: true` runs the server in a child process: cheaper
 * per request (see git-server-process.ts), without the request log.
 */
export async function startSyncFixture(options: GitServerOptions & {process?: boolean} = {}): Promise<SyncFixture> {
  const {process: inChild, ...serverOptions} = options
  const root = fs.realpathSync(fs.mkdtempSync(path.join(scratchRoot(), 'psp-sync-')))
  // The bare repositories live beside the clones (and go with them at close()).
  const serverRoot = path.join(root, 'server')
  fs.mkdirSync(serverRoot)
  const server: FixtureServer = inChild ? await startGitServerProcess({...serverOptions, root: serverRoot}) : await startGitServer({...serverOptions, root: serverRoot})
  const home = path.join(root, 'home')
  fs.mkdirSync(home)
  let template: string | undefined
  const onAuth = options.auth === undefined ? undefined : () => options.auth
  const fixture: SyncFixture = {
    server,
    root,
    async seedRemote(name, seed = {}) {
      const url = server.createRepo(name)
      const dir = path.join(root, `seed-${name}`)
      if (template === undefined) {
        template = path.join(root, 'template')
        await initWorkspace(template, {pspVersion: '0.0.0-test', name: 'sync-test'})
      }
      fs.cpSync(template, dir, {recursive: true})
      for (const [rel, text] of Object.entries(seed)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
        fs.writeFileSync(path.join(dir, rel), text)
      }
      await git.add({fs, dir, filepath: '.'})
      await git.commit({fs, dir, message: 'seed', author: {...AUTHOR, timestamp: 1_700_000_000, timezoneOffset: 0}})
      await git.addRemote({fs, dir, remote: 'origin', url})
      await git.push({fs, http: gitHttp, dir, remote: 'origin', ref: 'main', ...(onAuth === undefined ? {} : {onAuth})})
      return url
    },
    async clone(url, name, cloneOptions = {}) {
      const dir = path.join(root, name)
      await git.clone({fs, http: gitHttp, dir, url, ref: 'main', singleBranch: true, ...(onAuth === undefined ? {} : {onAuth})})
      const env = {...syncEnv(home), ...cloneOptions.env}
      return makeClone(name, dir, env)
    },
    async close() {
      await server.close()
      fs.rmSync(root, {recursive: true, force: true})
    },
  }
  return fixture
}

export function makeClone(name: string, dir: string, env: Record<string, string | undefined>): Clone {
  const clone: Clone = {
    name,
    dir,
    env,
    ws: () => Workspace.open(dir),
    store: () => new DocumentStore(Workspace.open(dir)),
    sync: (options = {}) => syncWorkspace(Workspace.open(dir), {env, ...options}),
    tree() {
      const repo = GitRepository.open(dir)
      try {
        return repo.readCommit(repo.head() as string).tree
      } finally {
        repo.close()
      }
    },
    head() {
      const repo = GitRepository.open(dir)
      try {
        return repo.head()
      } finally {
        repo.close()
      }
    },
    files(folder = '') {
      const repo = GitRepository.open(dir)
      try {
        const head = repo.head() as string
        return new Map(repo.listFiles(head, folder).map((f) => [f.path, repo.readBlob(f.oid).toString('utf8')]))
      } finally {
        repo.close()
      }
    },
    read: (rel) => fs.readFileSync(path.join(dir, rel), 'utf8'),
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
      fs.writeFileSync(path.join(dir, rel), text)
    },
    exists: (rel) => fs.existsSync(path.join(dir, rel)),
  }
  return clone
}

/** One fixture for a test file: started before its tests, closed after them. */
export function useSyncFixture(options: GitServerOptions & {process?: boolean} = {}): () => SyncFixture {
  let fixture: SyncFixture | undefined
  beforeAll(async () => {
    fixture = await startSyncFixture(options)
  })
  afterAll(async () => {
    await fixture?.close()
  })
  return () => {
    if (fixture === undefined) throw new Error('the sync fixture is used before its beforeAll ran')
    return fixture
  }
}
