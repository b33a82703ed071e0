/**
 * The git binary, for the hooks only: git runs them, so it is there, and it alone knows the
 * commit being made (the index it is built from, GIT_INDEX_FILE included). Everything else in
 * psp works without git.
 */
import {spawnSync} from 'node:child_process'
import {IoError} from '../errors.js'

/** Options of one git call. */
export interface GitCallOptions {
  /** Bytes or text written to git's stdin. */
  input?: string | Uint8Array
  /** Variables added to (or, when undefined, removed from) the inherited environment. */
  env?: Record<string, string | undefined>
  /** Exit codes that are answers rather than failures (`git diff --quiet` exits 1). */
  allow?: number[]
}

/** What a git call printed and how it exited. */
export interface GitOutput {
  status: number
  stdout: Buffer
}

/** The git binary in one working tree. */
export class GitCli {
  constructor(readonly cwd: string) {}

  /** Runs git; a failure (a missing binary, an exit code not allowed) throws IoError with git's message. */
  run(args: string[], options: GitCallOptions = {}): GitOutput {
    let env: NodeJS.ProcessEnv | undefined
    if (options.env !== undefined) {
      env = {...process.env}
      for (const [key, value] of Object.entries(options.env)) {
        if (value === undefined) delete env[key]
        else env[key] = value
      }
    }
    const result = spawnSync('git', args, {cwd: this.cwd, env, input: options.input, maxBuffer: 1024 * 1024 * 1024})
    if (result.error !== undefined) {
      throw new IoError(`cannot run git: ${result.error.message}`, {cause: result.error})
    }
    const status = result.status ?? -1
    if (status !== 0 && !(options.allow ?? []).includes(status)) {
      const said = result.stderr.toString('utf8').trim().split('\n')[0] ?? ''
      throw new IoError(`git ${args[0] ?? ''} failed${said === '' ? ` (exit ${status})` : `: ${said}`}`)
    }
    return {status, stdout: result.stdout}
  }

  /** Runs git and returns its stdout as text, without the final line break. */
  text(args: string[], options: GitCallOptions = {}): string {
    return this.run(args, options).stdout.toString('utf8').replace(/\n$/, '')
  }

  /** Runs git and splits its NUL-separated output (`-z`). */
  list(args: string[], options: GitCallOptions = {}): string[] {
    const out = this.run(args, options).stdout.toString('utf8')
    return out === '' ? [] : out.replace(/\0$/, '').split('\0')
  }

  /**
   * Reads objects by name (`HEAD:data/x.md`, `:data/x.md` for the index) with one
   * `git cat-file --batch`: each name's bytes, or undefined when it does not exist.
   */
  readObjects(names: readonly string[]): Map<string, Buffer | undefined> {
    const out = new Map<string, Buffer | undefined>()
    // The batch protocol is line-based: a name with a line break cannot be asked for.
    const asked = names.filter((n) => !/[\r\n]/.test(n))
    for (const name of names) out.set(name, undefined)
    if (asked.length === 0) return out
    const stdout = this.run(['cat-file', '--batch'], {input: `${asked.join('\n')}\n`}).stdout
    let at = 0
    for (const name of asked) {
      const eol = stdout.indexOf(0x0a, at)
      if (eol === -1) break
      const header = stdout.subarray(at, eol).toString('utf8')
      at = eol + 1
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) continue
      const size = Number(header.slice(header.lastIndexOf(' ') + 1))
      out.set(name, Buffer.from(stdout.subarray(at, at + size)))
      at += size + 1
    }
    return out
  }
}
