/** Options of generateHistoryRepo. */
export interface HistoryRepoOptions {
  /** The folder to create the repository in (created if needed; must be empty). */
  dir: string
  /** Commits to write (default 1,000). */
  commits?: number
  /** Task documents to create over the first half of the commits (default 500). */
  documents?: number
  /** Seed of the pseudo-random choices (default 1). */
  seed?: number
  /** Every so many commits, make one change on a side branch and merge it (default 0: never). */
  mergeEvery?: number
  /** Run `git gc` at the end (fast-import already writes a pack). */
  gc?: boolean
}

export interface HistoryRepo {
  dir: string
  head: string
  /** Commits written. */
  commits: number
  /** Every task, with its final path. */
  documents: Array<{id: string; path: string}>
  seconds: number
}

export function generateHistoryRepo(options: HistoryRepoOptions): HistoryRepo
export function appendHistoryCommits(options: {dir: string; count?: number; seed?: number}): string
