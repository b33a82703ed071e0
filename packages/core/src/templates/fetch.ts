/**
 * Templates from git: `https://host/repo.git`, optionally `//sub/folder` for a template that is
 * not at the repository's top, and `#ref` for a branch or tag. Fetched with isomorphic-git (one
 * commit deep, one branch) into a temporary folder, so psp needs no git binary; read like any
 * other template, and so trusted no more than one.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {IoError, NotFoundError, PspError, UsageError} from '../errors.js'
import {remoteAuth} from '../sync/credentials.js'
import {httpsEquivalent, isHttpUrl, redactUrl, redactUrls} from '../sync/remote-url.js'
import {readTemplate, type Template} from './template.js'

/** A template location in a git repository. */
export interface GitTemplateSpec {
  url: string
  /** Folder inside the repository (forward slashes), '' for its top. */
  subdir: string
  ref?: string
}

/** True when a template argument is a git URL rather than a name or a folder. */
export function isGitSpec(spec: string): boolean {
  return /^(?:https?|ssh|git|git\+ssh|git\+https?):\/\//i.test(spec) || /^[^@/\s]+@[^:/\s]+:/.test(spec)
}

/** Splits `url[//subdir][#ref]`; refuses what isomorphic-git cannot fetch (ssh) and path tricks. */
export function parseGitSpec(spec: string): GitTemplateSpec {
  let rest = spec.replace(/^git\+(?=https?:)/i, '')
  let ref: string | undefined
  const hash = rest.indexOf('#')
  if (hash !== -1) {
    ref = rest.slice(hash + 1)
    rest = rest.slice(0, hash)
    if (ref === '' || ref.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(ref)) throw new UsageError(`"${ref}" is not a branch or tag name`)
  }
  const scheme = rest.indexOf('://')
  const split = scheme === -1 ? -1 : rest.indexOf('//', scheme + 3)
  let subdir = ''
  if (split !== -1) {
    subdir = rest.slice(split + 2).replace(/\/+$/, '')
    rest = rest.slice(0, split)
    const parts = subdir.split('/')
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
      throw new UsageError(`"${subdir}" is not a folder inside the repository`)
    }
  }
  if (!isHttpUrl(rest)) {
    const https = httpsEquivalent(rest)
    throw new UsageError(`template URL ${redactUrl(rest)}: psp fetches templates over HTTPS only (no ssh)${https === undefined ? '' : `; use ${https}`}`)
  }
  return {url: rest, subdir, ...(ref === undefined ? {} : {ref})}
}

/** A template fetched from git, in a temporary folder that `dispose` removes. */
export interface FetchedTemplate {
  template: Template
  /** The commit the template was read from. */
  commit: string
  dispose(): void
}

/**
 * Fetches a git template. The clone lives in a temporary folder; call `dispose` when done (the
 * template's files are read from there).
 */
export async function fetchTemplate(spec: string, options: {env?: NodeJS.ProcessEnv; interactive?: boolean} = {}): Promise<FetchedTemplate> {
  const parsed = parseGitSpec(spec)
  let dir: string
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-template-'))
  } catch (error) {
    throw new IoError(`cannot make a temporary folder for the template: ${(error as Error).message}`, {cause: error})
  }
  const dispose = () => fs.rmSync(dir, {recursive: true, force: true})
  try {
    const git = await import('isomorphic-git')
    const http = (await import('isomorphic-git/http/node')).default
    const auth = remoteAuth({env: options.env, interactive: options.interactive})
    try {
      await git.clone({
        fs,
        http,
        dir,
        url: parsed.url,
        ...(parsed.ref === undefined ? {} : {ref: parsed.ref}),
        singleBranch: true,
        depth: 1,
        noTags: parsed.ref === undefined,
        onAuth: auth.onAuth,
        onAuthSuccess: auth.onAuthSuccess,
        onAuthFailure: auth.onAuthFailure,
      })
    } catch (error) {
      const e = error as Error & {code?: string}
      const shown = redactUrl(parsed.url)
      if (e.code === 'NotFoundError' && parsed.ref !== undefined) throw new NotFoundError(`${shown} has no branch or tag "${parsed.ref}"`)
      if (e.code === 'HttpError' && /401|403/.test(e.message)) {
        throw new UsageError(`${shown} refused access`, {hint: 'set PSP_GIT_TOKEN (and PSP_GIT_USERNAME) or a git credential helper'})
      }
      throw new IoError(`cannot fetch template ${shown}: ${redactUrls(e.message)}`, {cause: error})
    }
    const commit = await git.resolveRef({fs, dir, ref: 'HEAD'})
    const root = parsed.subdir === '' ? dir : path.join(dir, ...parsed.subdir.split('/'))
    if (!fs.existsSync(root)) throw new NotFoundError(`${redactUrl(parsed.url)} has no folder ${parsed.subdir}`)
    // The folder may be a link in the repository: readTemplate refuses links inside, this one too.
    if (fs.lstatSync(root).isSymbolicLink()) throw new UsageError(`${parsed.subdir} is a symbolic link in ${redactUrl(parsed.url)}`)
    const label = parsed.subdir === '' ? path.posix.basename(parsed.url.replace(/\/+$/, '')).replace(/\.git$/, '') : path.posix.basename(parsed.subdir)
    const template = readTemplate(root, 'url', label)
    return {template, commit, dispose}
  } catch (error) {
    dispose()
    if (error instanceof PspError) throw error
    throw new IoError(`cannot fetch template: ${(error as Error).message}`, {cause: error})
  }
}
