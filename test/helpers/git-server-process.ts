/**
 * The test git server (git-http-server.ts) in a small child process of its own, for tests that
 * make many requests: every request spawns `git http-backend`, and forking the test worker (a
 * large process) for each costs several milliseconds of system time, where a small server
 * process forks in well under one. A client in the test process may then also block (spawnSync)
 * without hanging the server.
 *
 * The helper is bundled with esbuild (a dev dependency) into one .mjs file in the temp folder
 * (Node 20 cannot run TypeScript); repositories are created from the test process with git.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildSync} from 'esbuild'
import type {CreateRepoOptions, GitServerOptions} from './git-http-server.js'

export interface GitServerProcess {
  url: string
  root: string
  createRepo(name: string, options?: CreateRepoOptions): string
  repoUrl(name: string, credentials?: {username: string; password: string}): string
  close(): Promise<void>
}

/**
 * The bundle, built once per version of the helper: a file named after the hash of the helper's
 * source in the temp folder, reused by every test process (and rebuilt when the helper changes).
 */
function bundle(): string {
  const helper = path.join(path.dirname(fileURLToPath(import.meta.url)), 'git-http-server.ts')
  const hash = createHash('sha1').update(fs.readFileSync(helper)).update(ENTRY).digest('hex').slice(0, 16)
  const out = path.join(os.tmpdir(), `psp-git-server-${hash}.mjs`)
  if (fs.existsSync(out)) return out
  const result = buildSync({
    stdin: {contents: ENTRY.replace('HELPER', JSON.stringify(helper)), resolveDir: path.dirname(helper), loader: 'ts'},
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'error',
  })
  const temp = `${out}.${process.pid}.tmp`
  fs.writeFileSync(temp, result.outputFiles[0]?.contents ?? '')
  fs.renameSync(temp, out)
  return out
}

/** The child's program: start the server, print where it listens, stop when stdin ends. */
const ENTRY = [
  'import {startGitServer} from HELPER',
  'const server = await startGitServer(JSON.parse(process.argv[2] ?? "{}"))',
  'process.stdout.write(JSON.stringify({url: server.url, root: server.root}) + "\\n")',
  'process.stdin.resume()',
  'process.stdin.on("end", () => { void server.close().then(() => process.exit(0)) })',
].join('\n')

/** Starts the server in a child process; close() stops it (and removes its root when it made one). */
export async function startGitServerProcess(options: GitServerOptions = {}): Promise<GitServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [bundle(), JSON.stringify(options)], {stdio: ['pipe', 'pipe', 'inherit']})
  const {url, root} = await new Promise<{url: string; root: string}>((resolve, reject) => {
    let out = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const eol = out.indexOf('\n')
      if (eol !== -1) resolve(JSON.parse(out.slice(0, eol)) as {url: string; root: string})
    })
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`git server process exited (${code})`)))
  })
  const port = new URL(url).port
  const repoUrl = (name: string, credentials?: {username: string; password: string}) =>
    credentials === undefined ? `${url}/${name}` : `http://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${name}`
  let closing: Promise<void> | undefined
  return {
    url,
    root,
    repoUrl,
    createRepo(name, repoOptions = {}) {
      const dir = path.join(root, ...name.split('/'))
      const env = {...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull}
      const init = spawnSync('git', ['init', '-q', '--bare', `--initial-branch=${repoOptions.initialBranch ?? 'main'}`, dir], {encoding: 'utf8', env})
      if (init.status !== 0) throw new Error(`git init failed: ${init.stderr}`)
      if (repoOptions.denyNonFastForwards) spawnSync('git', ['config', 'receive.denyNonFastForwards', 'true'], {cwd: dir, env})
      return repoUrl(name)
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.stdin?.end()
      })
      return closing
    },
  }
}
