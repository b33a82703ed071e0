/**
 * Which repository paths are psp documents: exactly the files the document walk reads
 * (document-files.ts) — `.md` files under the workspace's data/, not hidden, not a README, not
 * in a hidden folder, data/cache/ or data/templates/.
 */
import {isDocumentFile, SKIP_DIRS} from '../document-files.js'
import {LAYOUT} from '../layout.js'

/** True when a workspace-relative path (with '/') is a document the store reads. */
export function isDocumentRel(rel: string): boolean {
  const parts = rel.split('/')
  if (parts.length < 2 || parts[0] !== LAYOUT.data) return false
  if (!isDocumentFile(parts[parts.length - 1] as string)) return false
  let folder = parts[0] as string
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string
    folder = `${folder}/${part}`
    if (part === '' || part.startsWith('.') || SKIP_DIRS.has(folder)) return false
  }
  return true
}

/** True for a repository path inside the workspace (`prefix`: '' or ending in '/') that is a document. */
export function isDocumentRepoPath(repoPath: string, prefix: string): boolean {
  return repoPath.startsWith(prefix) && isDocumentRel(repoPath.slice(prefix.length))
}
