/**
 * A real smart-HTTP git server for tests: `node:http` on 127.0.0.1, every request handed to git's
 * own CGI program, `git http-backend`, over a pipe. Clones, fetches and pushes (receive-pack is
 * switched on) land in real bare repositories under `root`, so what one client pushes another
 * client fetches, with either the git CLI or isomorphic-git (which speaks HTTP only: no file://).
 *
 *     const server = await startGitServer()
 *     const url = server.createRepo('team.git')   // http://127.0.0.1:PORT/team.git
 *     ...
 *     await server.close()
 *
 * With `auth`, every request must carry HTTP Basic credentials for that user, or it gets a 401
 * with `WWW-Authenticate: Basic realm="psp-test"`.
 *
 * Needs the git CLI (psp itself does not).
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import os from 'node:os'
import path from 'node:path'

export interface GitServerOptions {
  /** The folder holding the bare repositories (default: a new temp folder, removed by close()). */
  root?: string
  /** HTTP Basic credentials every request must carry (default: none asked for). */
  auth?: {username: string; password: string}
}

/** One request the server answered. */
export interface GitServerRequest {
  method: string
  /** The request target as sent: path and query, e.g. `/team.git/info/refs?service=git-receive-pack`. */
  path: string
  /** The HTTP status sent back (401 for missing or wrong credentials). */
  status: number
  /** The user the request authenticated as (only with `auth`). */
  user?: string
  /** The request's Content-Encoding header, e.g. `gzip` (git sends larger fetch negotiations gzip'd). */
  contentEncoding?: string
  /** Request body bytes received (as sent: before any gzip is undone); counted while the body streams. */
  bytes: number
  /** Whether the request body came with `Transfer-Encoding: chunked` (git streams large pushes this way). */
  chunked?: boolean
  /** The request's Git-Protocol header, e.g. `version=2` (the git CLI asks for v2; isomorphic-git does not). */
  gitProtocol?: string
}

export interface CreateRepoOptions {
  /** The branch HEAD points to (default `main`). */
  initialBranch?: string
  /** Refuse non-fast-forward updates on the server side, even forced ones (receive.denyNonFastForwards). */
  denyNonFastForwards?: boolean
}

export interface GitServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string
  /** The folder holding the bare repositories. */
  root: string
  /** Creates the bare repository `root/<name>` and returns its clone URL (`url/<name>`). */
  createRepo(name: string, options?: CreateRepoOptions): string
  /** The clone URL of `name`, with `user:password@` in it when `credentials` is given. */
  repoUrl(name: string, credentials?: {username: string; password: string}): string
  /** Every request answered so far, in order. */
  requests: GitServerRequest[]
  /** Stops listening, drops open connections, kills any http-backend still running; removes `root` if it made it. */
  close(): Promise<void>
}

/** Where git keeps its helper programs (`git --exec-path`), read once. */
let backendPath: string | undefined
function httpBackend(): string {
  if (backendPath) return backendPath
  const result = spawnSync('git', ['--exec-path'], {encoding: 'utf8'})
  if (result.status !== 0) throw new Error(`git --exec-path failed: ${result.stderr || result.error?.message}`)
  const file = path.join(result.stdout.trim(), 'git-http-backend')
  if (!fs.existsSync(file)) throw new Error(`git-http-backend not found at ${file}`)
  backendPath = file
  return file
}

/** Environment of every git run by the server: no user or system config, no prompts, nothing inherited that points git elsewhere. */
function baseGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && value !== undefined) env[key] = value
  env.GIT_CONFIG_NOSYSTEM = '1'
  env.GIT_CONFIG_GLOBAL = os.devNull
  env.GIT_TERMINAL_PROMPT = '0'
  return env
}

function checkName(name: string): void {
  const parts = name.split('/')
  if (name === '' || parts.some((p) => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new Error(`bad repository name: ${JSON.stringify(name)}`)
  }
}

function credentialsMatch(header: string | undefined, auth: {username: string; password: string}): boolean {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match?.[1]) return false
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  return decoded === `${auth.username}:${auth.password}`
}

/** Splits the CGI header block (`Name: value` lines; `Status: 404 Not Found` sets the status). */
function parseCgiHeaders(block: string): {status: number; message?: string; headers: Array<[string, string]>} {
  let status = 200
  let message: string | undefined
  const headers: Array<[string, string]> = []
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`bad CGI header line: ${JSON.stringify(line)}`)
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (name.toLowerCase() === 'status') {
      const m = /^(\d{3})\s*(.*)$/.exec(value)
      if (!m?.[1]) throw new Error(`bad CGI Status: ${JSON.stringify(value)}`)
      status = Number(m[1])
      message = m[2] || undefined
    } else {
      headers.push([name, value])
    }
  }
  return {status, message, headers}
}

/** Where the CGI header block ends: the index of the first body byte and of the separator, or undefined. */
function headerEnd(buffer: Buffer): {head: number; body: number} | undefined {
  const crlf = buffer.indexOf('\r\n\r\n')
  const lf = buffer.indexOf('\n\n')
  if (crlf === -1 && lf === -1) return undefined
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return {head: crlf, body: crlf + 4}
  return {head: lf, body: lf + 2}
}

export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const backend = httpBackend()
  const ownRoot = options.root === undefined
  const root = fs.realpathSync(options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'psp-git-server-')))
  const auth = options.auth
  const requests: GitServerRequest[] = []
  const children = new Set<ChildProcess>()
  const sockets = new Set<Socket>()

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const target = req.url ?? '/'
    const entry: GitServerRequest = {method: req.method ?? 'GET', path: target, status: 0, bytes: 0}
    if (/\bchunked\b/i.test(req.headers['transfer-encoding'] ?? '')) entry.chunked = true
    req.on('data', (chunk: Buffer) => (entry.bytes += chunk.length))
    if (req.headers['content-encoding'] !== undefined) entry.contentEncoding = req.headers['content-encoding']
    if (typeof req.headers['git-protocol'] === 'string') entry.gitProtocol = req.headers['git-protocol']
    requests.push(entry)
    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      entry.status = status
      req.resume()
      res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...headers})
      res.end(text)
    }

    if (auth) {
      if (!credentialsMatch(req.headers.authorization, auth)) {
        reply(401, 'authentication required\n', {'WWW-Authenticate': 'Basic realm="psp-test"'})
        return
      }
      entry.user = auth.username
    }

    const url = new URL(target, 'http://127.0.0.1')
    let pathInfo: string
    try {
      pathInfo = decodeURIComponent(url.pathname)
    } catch {
      reply(400, 'bad path\n')
      return
    }
    if (pathInfo.split('/').includes('..')) {
      reply(403, 'forbidden\n')
      return
    }

    const env: NodeJS.ProcessEnv = {
      ...baseGitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      // receive-pack is off for anonymous users unless switched on; switch it on either way.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      SERVER_SOFTWARE: 'psp-test-git-server',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REMOTE_USER: auth?.username ?? 'anonymous',
    }
    if (auth) env.AUTH_TYPE = 'Basic'
    // No CONTENT_LENGTH (a chunked body): http-backend reads stdin to its end.
    if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = req.headers['content-length']
    if (req.headers['content-type'] !== undefined) env.CONTENT_TYPE = req.headers['content-type']
    // http-backend inflates gzip'd request bodies itself (git sends fetch negotiations gzip'd).
    if (req.headers['content-encoding'] !== undefined) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
    const protocol = req.headers['git-protocol']
    if (typeof protocol === 'string') env.HTTP_GIT_PROTOCOL = protocol

    const child = spawn(backend, [], {env, stdio: ['pipe', 'pipe', 'pipe']})
    children.add(child)
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 16_384) stderr += d
    })
    const fail = (why: string) => {
      if (res.writableEnded) return
      if (!res.headersSent) reply(502, `git http-backend: ${why}\n${stderr}`)
      else res.destroy()
    }
    child.on('error', (error) => {
      if (child.pid === undefined) children.delete(child) // never started: no 'close' to wait for
      fail(error.message)
    })
    child.on('close', (code, signal) => {
      children.delete(child)
      // Whatever of the body the backend did not read (it may answer before reading, e.g. 404) is drained.
      req.unpipe(child.stdin)
      req.resume()
      if (!res.headersSent) fail(`exited (${signal ?? code}) without a response`)
    })
    // The client went away before the response was done: stop the backend.
    res.on('close', () => {
      if (!res.writableFinished && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })

    // Request body → CGI stdin (streamed; an early exit of the backend just drops the rest).
    child.stdin.on('error', () => {})
    req.pipe(child.stdin)

    // CGI stdout: header block, blank line, body.
    let pending: Buffer | undefined = Buffer.alloc(0)
    child.stdout.on('data', (chunk: Buffer) => {
      if (pending === undefined) return
      pending = Buffer.concat([pending, chunk])
      const end = headerEnd(pending)
      if (!end) {
        if (pending.length > 65_536) {
          pending = undefined
          child.kill('SIGKILL')
          fail('CGI header block too long')
        }
        return
      }
      let parsed: ReturnType<typeof parseCgiHeaders>
      try {
        parsed = parseCgiHeaders(pending.subarray(0, end.head).toString('latin1'))
      } catch (error) {
        pending = undefined
        child.kill('SIGKILL')
        fail((error as Error).message)
        return
      }
      const rest = pending.subarray(end.body)
      pending = undefined
      entry.status = parsed.status
      res.statusCode = parsed.status
      if (parsed.message) res.statusMessage = parsed.message
      for (const [name, value] of parsed.headers) res.appendHeader(name, value)
      if (rest.length > 0) res.write(rest)
      child.stdout.pipe(res)
    })
    child.stdout.on('end', () => {
      if (pending !== undefined && pending.length > 0) fail('CGI output ended inside the header block')
    })
  }

  const server = http.createServer(handle)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`

  const repoUrl = (name: string, credentials?: {username: string; password: string}) => {
    checkName(name)
    if (!credentials) return `${base}/${name}`
    const user = `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}`
    return `http://${user}@127.0.0.1:${port}/${name}`
  }

  let closing: Promise<void> | undefined
  return {
    url: base,
    root,
    requests,
    repoUrl,
    createRepo(name, repoOptions = {}) {
      checkName(name)
      const dir = path.join(root, ...name.split('/'))
      const args = ['init', '-q', '--bare', `--initial-branch=${repoOptions.initialBranch ?? 'main'}`, dir]
      const result = spawnSync('git', args, {encoding: 'utf8', env: baseGitEnv()})
      if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr || result.error?.message}`)
      if (repoOptions.denyNonFastForwards) {
        const set = spawnSync('git', ['config', 'receive.denyNonFastForwards', 'true'], {cwd: dir, encoding: 'utf8', env: baseGitEnv()})
        if (set.status !== 0) throw new Error(`git config failed: ${set.stderr}`)
      }
      return repoUrl(name)
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        for (const socket of sockets) socket.destroy()
        await Promise.all(
          [...children].map(
            (child) =>
              new Promise<void>((resolve) => {
                if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve()
                child.once('close', () => resolve())
                child.kill('SIGKILL')
              }),
          ),
        )
        await stopped
        if (ownRoot) fs.rmSync(root, {recursive: true, force: true})
      })()
      return closing
    },
  }
}
