/**
 * Remote URLs. psp talks to remotes through isomorphic-git, which speaks smart HTTP(S) only: an
 * ssh, git or local remote is refused up front with the https URL that most hosts serve the same
 * repository at. URLs are shown without the credentials they may carry.
 */
import {UsageError} from '../errors.js'

/** A URL without `user:password@` (safe to print or log). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1')
}

/** Every URL in a message without its credentials. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi, '$1')
}

/** True for an http:// or https:// URL. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^/\s]+/i.test(url)
}

/**
 * The https URL of a remote given as ssh (`ssh://[user@]host[:port]/path`, scp-like
 * `[user@]host:path`) or git (`git://host/path`); undefined for one with no https equivalent (a
 * local path, `file://`, another transport).
 */
export function httpsEquivalent(url: string): string | undefined {
  const trimmed = url.trim()
  let host: string | undefined
  let repoPath: string | undefined
  const full = /^(?:ssh|git\+ssh|ssh\+git|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(trimmed)
  if (full !== null) {
    host = full[1]
    repoPath = full[2]
  } else {
    // scp-like: [user@]host:path — but not C:\path (a drive letter) and not a path with a slash before the colon.
    const scp = /^(?:[^@/\s]+@)?([^/:\s]+):(?!\/\/)(.+)$/.exec(trimmed)
    if (scp !== null && (scp[1] as string).length > 1) {
      host = scp[1]
      repoPath = scp[2]
    }
  }
  if (host === undefined || repoPath === undefined) return undefined
  repoPath = repoPath.replace(/^\/+/, '').replace(/^~[^/]*\//, '')
  if (repoPath === '') return undefined
  return `https://${host}/${repoPath}`
}

/**
 * Checks that a remote's URL is one psp can sync with; throws UsageError naming the https URL to
 * use instead (or saying that there is none).
 */
export function assertHttpRemote(remote: string, url: string, key = `remote.${remote}.url`): void {
  if (isHttpUrl(url)) return
  const https = httpsEquivalent(url)
  const shown = redactUrl(url)
  if (https !== undefined) {
    throw new UsageError(`remote "${remote}" is ${shown}: psp sync speaks HTTPS only (no ssh); use ${https}`, {
      data: {remote, url: shown, https, key},
      hint: `git remote set-url ${key.endsWith('.pushurl') ? '--push ' : ''}${remote} ${https}   (and put a token in PSP_GIT_TOKEN or a git credential helper)`,
    })
  }
  throw new UsageError(`remote "${remote}" is ${shown}: psp sync speaks HTTP(S) only; local and file:// remotes are not supported`, {
    data: {remote, url: shown, key},
    hint: 'point the remote at the repository\'s https URL: git remote set-url ' + remote + ' https://…',
  })
}
