/**
 * psp's read-only git reader: refs, revisions, commits, trees and blobs from loose objects and
 * packfiles, on node:zlib. docs/history.md describes the API and why psp has its own reader.
 */
export {NotAGitRepositoryError, GitFormatError, UnsupportedGitIndexError} from './errors.js'
export {assertGitIndexSupported, GIT_INDEX_FIX, gitIndexIssues} from './index-check.js'
export type {GitIndexIssue} from './index-check.js'
export {EMPTY_TREE, OID_PATTERN, parseCommit, parsePerson, parseTag, parseTree, subjectOf} from './objects.js'
export type {GitCommit, GitObject, GitObjectType, GitPerson, GitTag, GitTreeEntry} from './objects.js'
export type {GitRef} from './refs.js'
export {discoverRepository, GitRepository} from './repository.js'
export type {GitFile, GitLocation, GitOpenOptions} from './repository.js'
export {parseRevisionDate, resolveRevisionAt} from './revision.js'
export {collectGarbage, gitAvailable} from './gc.js'
export type {GcMethod, GcOptions, GcReport} from './gc.js'
