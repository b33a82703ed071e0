/**
 * The git reader's errors. They keep the exit codes of the core's error kinds
 * (docs/exit-codes.md) and carry codes of their own that scripts can branch on.
 */
import {PspError} from '../errors.js'

/** No git repository at or above a folder: exit 4, like any other thing that does not exist. */
export class NotAGitRepositoryError extends PspError {
  static override readonly code: string = 'NO_GIT_REPOSITORY'
  static override readonly exitCode: number = 4
}

/**
 * A repository psp cannot read: a corrupt or missing object, a pack or ref format it does not
 * know. Exit 9, like other failures underneath psp.
 */
export class GitFormatError extends PspError {
  static override readonly code: string = 'GIT_FORMAT'
  static override readonly exitCode: number = 9
}

/** A git index (`.git/index`) in a format isomorphic-git cannot read or write (exit 9). */
export class UnsupportedGitIndexError extends PspError {
  static override readonly code: string = 'GIT_INDEX_UNSUPPORTED'
  static override readonly exitCode: number = 9
}
