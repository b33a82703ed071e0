/**
 * What the history index records: for every record (by id), each commit that changed it, newest
 * first, with the field-level change. The JSON shapes are documented in docs/history.md.
 */

/** A change to one frontmatter field. An absent `before` means the field was added; an absent `after`, removed. */
export interface FieldChange {
  field: string
  before?: unknown
  after?: unknown
  /** For a list on both sides: the elements added (only when some were). */
  added?: unknown[]
  /** For a list on both sides: the elements removed (only when some were). */
  removed?: unknown[]
}

/** A commit's author. */
export interface HistoryAuthor {
  name: string
  email: string
  /** Seconds since the epoch. */
  time: number
  /** The author's UTC offset in minutes, east positive. */
  tz: number
}

/** What a commit did to a record's file. */
export type ChangeKind = 'added' | 'modified' | 'renamed' | 'deleted'

/** One commit's change to one record. */
export interface HistoryEntry {
  commit: string
  author: HistoryAuthor
  /** The committer date (seconds): entries are ordered by it, as `git log` orders commits. */
  committed: number
  /** The commit's subject line. */
  subject: string
  change: ChangeKind
  /** Workspace-relative path after the commit (for a deletion: the path the file had). */
  path: string
  /** For a rename or move: the path before. */
  from?: string
  /** Field changes, in the file's key order (for an addition: every field, as added). */
  fields: FieldChange[]
  /** Lines of the Markdown body added and removed (of the whole file when a side is unparseable). */
  body: {added: number; removed: number}
  /** Blob ids of the file before and after (for `--patch`). */
  before?: string
  after?: string
  /** A side whose frontmatter could not be read: its fields are unknown, so none are compared. */
  unparseable?: 'before' | 'after' | 'both'
  /** True when a merge commit made this change (it differs from every parent: a resolution). */
  merge?: boolean
}

/** An author and a moment, as the derived fields use them. */
export interface HistoryStamp {
  /** Seconds since the epoch (the author date). */
  time: number
  tz: number
  author: string
}

/** What history says about one record, summed up: the source of the derived fields. */
export interface HistorySummary {
  /** The record's id (absent for a file whose id never could be read: then `key` is `path:<path>`). */
  id?: string
  key: string
  /** The latest path. */
  path: string
  /** True when the latest change deleted the file. */
  deleted: boolean
  /** Commits that changed the record. */
  changes: number
  created: HistoryStamp
  updated: HistoryStamp
  /** The latest commit that set or changed `status`. */
  statusChanged?: HistoryStamp
  /** The status after each change of it, oldest first: [author time, status] (null: no status). */
  statuses: Array<[number, string | null]>
}
