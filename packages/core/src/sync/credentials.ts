/**
 * Credentials for the remote, handed to isomorphic-git's onAuth (asked only after the server
 * answers 401):
 *
 * 1. PSP_GIT_TOKEN, with PSP_GIT_USERNAME as the user name (default `x-access-token`, which
 *    GitHub accepts with any token; GitLab accepts any non-empty name, Bitbucket wants
 *    `x-token-auth`);
 * 2. else, when a git binary is installed, `git credential fill` — the user's own helpers
 *    (keychain, libsecret, store, manager) — followed by `approve` when the server accepts them and
 *    `reject` when it does not, as git does; it may ask on the terminal only when psp has one;
 * 3. else none: the remote's 401 becomes an error saying what to set.
 *
 * Credentials stay in memory: psp never writes them to .git/config, the log or its output.
 */
import {spawn} from 'node:child_process'
import type {AuthCallback, AuthFailureCallback, AuthSuccessCallback, GitAuth} from 'isomorphic-git'

type Env = Readonly<Record<string, string | undefined>>

/** The user name sent with PSP_GIT_TOKEN when PSP_GIT_USERNAME is not set. */
export const DEFAULT_TOKEN_USERNAME = 'x-access-token'

/** Where the credentials of a sync came from. */
export type CredentialSource = 'token' | 'git-credential' | 'none'

export interface RemoteAuth {
  onAuth: AuthCallback
  onAuthSuccess: AuthSuccessCallback
  onAuthFailure: AuthFailureCallback
  /** What was tried so far (for error messages): undefined until the server asked. */
  readonly asked: CredentialSource | undefined
  /** True when credentials were offered and the server refused them. */
  readonly refused: boolean
}

export interface RemoteAuthOptions {
  env?: Env
  /** True when a person is at a terminal: `git credential fill` may then prompt there. */
  interactive?: boolean
  /** The folder git runs in: the working tree, so that the repository's own credential config applies. */
  cwd?: string
  /** Runs git (default: spawn the binary). Returns undefined when git cannot run. */
  runGit?: (args: string[], input: string, env: NodeJS.ProcessEnv, cwd?: string) => Promise<{status: number; stdout: string} | undefined>
}

/** Runs git asynchronously (a credential helper may take its time; the event loop must go on). */
export function spawnGit(args: string[], input: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<{status: number; stdout: string} | undefined> {
  return new Promise((resolve) => {
    let child
    try {
      // git prompts on the terminal itself (/dev/tty), when allowed; what helpers say on stderr
      // ("could not read Username") is not psp's output: the error psp raises says it in one line.
      child = spawn('git', args, {env, cwd, stdio: ['pipe', 'pipe', 'ignore']})
    } catch {
      resolve(undefined)
      return
    }
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.on('error', () => resolve(undefined))
    child.on('close', (code) => resolve({status: code ?? -1, stdout}))
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

/** The credential-protocol description of a URL (`url=` is parsed by git into protocol, host and path). */
function credentialRequest(url: string, auth?: GitAuth): string {
  const clean = new URL(url)
  clean.username = ''
  clean.password = ''
  clean.search = ''
  clean.hash = ''
  // isomorphic-git hands over the URL it requested (…/info/refs); git wants the repository.
  clean.pathname = clean.pathname.replace(/\/(info\/refs|git-upload-pack|git-receive-pack)$/, '')
  const lines = [`url=${clean.toString()}`]
  if (auth?.username !== undefined && auth.username !== '') lines.push(`username=${auth.username}`)
  if (auth?.password !== undefined && auth.password !== '') lines.push(`password=${auth.password}`)
  return `${lines.join('\n')}\n\n`
}

function parseCredential(text: string): GitAuth {
  const out: GitAuth = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq)
    const value = line.slice(eq + 1)
    if (key === 'username') out.username = value
    else if (key === 'password') out.password = value
  }
  return out
}

/** The onAuth callbacks of one sync (credentials asked once, then reused for the fetch and the push). */
export function remoteAuth(options: RemoteAuthOptions = {}): RemoteAuth {
  const env = options.env ?? process.env
  const token = env['PSP_GIT_TOKEN']
  const runGit = options.runGit ?? spawnGit
  let asked: CredentialSource | undefined
  let refused = false
  let cached: GitAuth | undefined
  let approved = false

  const gitEnv = (): NodeJS.ProcessEnv => {
    const out: NodeJS.ProcessEnv = {...env}
    if (!options.interactive) {
      // Never a prompt without a terminal: no terminal prompt, no askpass program.
      out['GIT_TERMINAL_PROMPT'] = '0'
      out['GIT_ASKPASS'] = ''
      out['SSH_ASKPASS'] = ''
    }
    return out
  }

  const state = {
    get asked() {
      return asked
    },
    get refused() {
      return refused
    },
  }

  if (token !== undefined && token !== '') {
    const auth = {username: env['PSP_GIT_USERNAME'] || DEFAULT_TOKEN_USERNAME, password: token}
    return Object.assign(state, {
      onAuth: () => {
        asked = 'token'
        return auth
      },
      onAuthSuccess: () => {},
      onAuthFailure: () => {
        refused = true
        return {cancel: true}
      },
    }) as RemoteAuth
  }

  return Object.assign(state, {
    onAuth: async (url: string, given: GitAuth) => {
      if (cached !== undefined) return cached
      asked = 'git-credential'
      const result = await runGit(['credential', 'fill'], credentialRequest(url, given), gitEnv(), options.cwd)
      if (result === undefined) {
        asked = 'none'
        return {cancel: true}
      }
      const found = result.status === 0 ? parseCredential(result.stdout) : {}
      if (found.username === undefined && found.password === undefined) return {cancel: true}
      cached = found
      return found
    },
    onAuthSuccess: async (url: string, auth: GitAuth) => {
      if (approved || asked !== 'git-credential') return
      approved = true
      await runGit(['credential', 'approve'], credentialRequest(url, auth), gitEnv(), options.cwd)
    },
    onAuthFailure: async (url: string, auth: GitAuth) => {
      refused = true
      cached = undefined
      if (asked === 'git-credential') await runGit(['credential', 'reject'], credentialRequest(url, auth), gitEnv(), options.cwd)
      return {cancel: true}
    },
  }) as RemoteAuth
}
