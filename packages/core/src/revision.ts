/**
 * A workspace as it was at a past revision (`--at`): its files read from git objects, never
 * from the working tree, which stays untouched.
 */

/** The files of a workspace at one revision: read-only. Paths are workspace-relative, with `/`. */
export interface RevisionTree {
  /** What the user asked for (`HEAD~3`, `v1.0`, `2026-03-01`), for messages. */
  readonly spec: string
  /** The commit it resolved to (full object id). */
  readonly commit: string
  /** Every file under `folder` (recursively), sorted. */
  files(folder: string): string[]
  /** A file's bytes, or undefined when it did not exist at that revision. */
  read(rel: string): Uint8Array | undefined
}
