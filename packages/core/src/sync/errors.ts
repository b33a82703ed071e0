/**
 * The errors of `psp sync`. Each keeps the exit code of the kind of problem it is
 * (docs/exit-codes.md) and has a code of its own that scripts can branch on.
 */
import {PspError} from '../errors.js'

/**
 * Exit code of a sync that stopped on conflicts (the report lists them), and of
 * `psp sync --continue` while some remain. The next code free after INTERNAL (10).
 */
export const EXIT_SYNC_CONFLICTS = 11

/** No name or email for the commits sync makes: exit 2, like any request psp cannot do as asked. */
export class GitIdentityError extends PspError {
  static override readonly code: string = 'NO_GIT_IDENTITY'
  static override readonly exitCode: number = 2
}

/**
 * The remote failed or refused: unreachable, authentication failed, not found, a push refused,
 * or still moving after every retry. Exit 9, like other failures underneath psp.
 */
export class GitRemoteError extends PspError {
  static override readonly code: string = 'GIT_REMOTE'
  static override readonly exitCode: number = 9
}

/**
 * Sync cannot start or go on without losing something: a git merge or rebase in progress,
 * uncommitted changes that incoming files would overwrite, histories with nothing in common.
 * Exit 7, like other writes that would break the workspace. Nothing was changed.
 */
export class SyncBlockedError extends PspError {
  static override readonly code: string = 'SYNC_BLOCKED'
  static override readonly exitCode: number = 7
}

/** `psp sync --continue` (or a commit) while conflicts remain in the files: exit 11. */
export class SyncConflictError extends PspError {
  static override readonly code: string = 'SYNC_CONFLICT'
  static override readonly exitCode: number = EXIT_SYNC_CONFLICTS
}
