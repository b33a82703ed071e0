/**
 * psp's git hooks: installing them (chaining the hooks already there), and what each does when
 * git runs it. docs/hooks.md describes them.
 */
export {CHAINED_SUFFIX, HOOK_FORMAT, hookScript, hooksStatus, installHooks, PSP_HOOKS, readHookFile, uninstallHooks} from './install.js'
export type {
  HookInstallResult,
  HookProgram,
  HookSpec,
  HookStatus,
  HookUninstallResult,
  InstallHooksOptions,
  InstallReport,
  PspHookFile,
  StatusReport,
  UninstallReport,
} from './install.js'
export {mentionsKeyword, parseCommitMessage} from './message.js'
export type {MessageReference, ParseMessageOptions, ReferenceKind, ReferenceStrength} from './message.js'
export {documentsCheck, isDocumentPath, PRE_COMMIT_CHECKS, runPreCommitChecks, stagedChanges} from './pre-commit.js'
export {checkStagedOpenSpec, isOpenSpecPath, openSpecCheck, writeStagedOpenSpec} from './openspec-check.js'
export type {CheckReport, PreCommitCheck, PreCommitContext, PreCommitResult, StagedChange} from './pre-commit.js'
export {checkMessage, CLOSE_SUBJECT, closeReferencedTasks, formatReferenceProblem, readHeadCommit} from './references.js'
export type {CloseOutcome, Commit, MessageCheck, PostCommitContext, PostCommitResult, ReferenceProblem, ResolvedReference} from './references.js'
export {refreshCaches} from './refresh.js'
export type {RefreshReport} from './refresh.js'
export {configuredHooksPath, hooksDirectory, hooksRepository, rebaseInProgress} from './repository.js'
export {runHook} from './run.js'
export type {HookRun, RunHookOptions} from './run.js'
export {GitCli} from './git-cli.js'
export type {GitCallOptions, GitOutput} from './git-cli.js'
