/**
 * `--at`: a RevisionTree backed by psp's own git reader, so reading a past revision needs no git
 * binary and never touches the working tree or git's index.
 */
import {GitRepository} from './git/repository.js'
import {resolveRevisionAt} from './git/revision.js'
import type {RevisionTree} from './revision.js'

/**
 * The workspace under `root` as it was at `spec`: a revision (`HEAD~3`, a branch, a tag, an
 * abbreviated commit id) or a date (`2026-03-01`: the newest commit on HEAD's first-parent line at
 * or before it). The workspace may be a folder inside the repository.
 */
export function openRevisionTree(root: string, spec: string): RevisionTree {
  const repo = GitRepository.open(root)
  const commit = resolveRevisionAt(repo, spec)
  const base = repo.relativePath(root)
  const inRepo = (rel: string) => (base === '' ? rel : rel === '' ? base : `${base}/${rel}`)
  // Listing a folder yields every file's blob id: reads by path then skip the tree walk.
  const blobs = new Map<string, string>()
  return {
    spec,
    commit,
    files(folder) {
      const out: string[] = []
      for (const file of repo.listFiles(commit, inRepo(folder))) {
        const rel = base === '' ? file.path : file.path.slice(base.length + 1)
        blobs.set(rel, file.oid)
        out.push(rel)
      }
      return out.sort()
    },
    read(rel) {
      const oid = blobs.get(rel)
      return oid === undefined ? repo.fileAt(commit, inRepo(rel)) : repo.readBlob(oid)
    },
  }
}
