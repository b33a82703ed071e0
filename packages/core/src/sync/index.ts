/**
 * `psp sync`: commit psp's own changes, fetch, merge (psp's tree merge: documents field by field,
 * matched by id), push, retry when the remote moved. docs/sync.md describes it.
 */
export {DEFAULT_SYNC_ATTEMPTS, extraHeaders, syncCommitMessage, syncWorkspace} from './sync.js'
export type {SyncRecordChange, SyncRecordChangeKind, SyncIntegration, SyncOptions, SyncPhase, SyncProgress, SyncReport} from './sync.js'
export {EXIT_SYNC_CONFLICTS, GitIdentityError, GitRemoteError, SyncBlockedError, SyncConflictError} from './errors.js'
export {assertHttpRemote, httpsEquivalent, isHttpUrl, redactUrl} from './remote-url.js'
export {parseGitDate, repositoryConfig, resolveIdentity} from './identity.js'
export type {CommitIdentity, GitSignature} from './identity.js'
export {DEFAULT_TOKEN_USERNAME, remoteAuth} from './credentials.js'
export type {CredentialSource, RemoteAuth, RemoteAuthOptions} from './credentials.js'
export {mergedFromRemote, mergeTrees} from './tree-merge.js'
export type {SyncMergedFile, SyncMergedRecord, SyncConflict, TreeMergeInput, TreeMergeResult} from './tree-merge.js'
export {commitsBetween, mergeBases} from './merge-base.js'
export {readSyncState, SYNC_STATE_FILE} from './state.js'
export type {SyncState} from './state.js'
export type {SyncOtherChange} from './worktree.js'
