/**
 * Archive's refusals. Each is one of psp's typed errors (so the exit code and the one-line
 * rendering are psp's) carrying openspec's diagnostic — `code`, `message`, `fix` — in
 * `data.diagnostic`, which is what `--json` prints, as openspec does.
 */
import {ConflictError, InvalidDocumentError, IoError, isPspError, NotFoundError, type PspError, UnsafeInputError, UsageError} from '../errors.js'

/** openspec's diagnostic for a refused archive (one entry of its `status` array). */
export interface ArchiveDiagnostic {
  severity: 'error'
  code: string
  message: string
  fix?: string
}

/** Which psp error class (hence exit code) each of openspec's archive codes maps to. */
const ERROR_CLASS: Record<string, new (message: string, options?: ConstructorParameters<typeof PspError>[1]) => PspError> = {
  archive_path_outside_root: UnsafeInputError,
  archive_change_name_invalid: UnsafeInputError,
  archive_change_symlink: UnsafeInputError,
  archive_change_name_required: UsageError,
  archive_confirmation_required: UsageError,
  archive_tasks_incomplete: UsageError,
  archive_change_is_namespace_folder: UsageError,
  archive_change_not_found: NotFoundError,
  archive_validation_failed: InvalidDocumentError,
  archive_spec_update_failed: InvalidDocumentError,
  archive_spec_validation_failed: InvalidDocumentError,
  archive_target_exists: ConflictError,
}

/**
 * A refused archive: openspec's `code`, `message` and `fix`, as a psp error whose hint is the
 * fix. `details` are extra lines for a person (validation issues), kept in `data.details`.
 */
export function archiveRefusal(code: string, message: string, fix?: string, details?: readonly string[]): PspError {
  const diagnostic: ArchiveDiagnostic = {severity: 'error', code, message, ...(fix === undefined ? {} : {fix})}
  const ErrorClass = ERROR_CLASS[code] ?? IoError
  return new ErrorClass(message, {
    ...(fix === undefined ? {} : {hint: fix}),
    data: {diagnostic, ...(details && details.length > 0 ? {details: [...details]} : {})},
  })
}

/** The diagnostic of a refusal; any other failure is openspec's catch-all `archive_error`. */
export function archiveDiagnosticOf(error: unknown): ArchiveDiagnostic {
  const carried = isPspError(error) ? (error.data['diagnostic'] as ArchiveDiagnostic | undefined) : undefined
  if (carried !== undefined) return carried
  return {severity: 'error', code: 'archive_error', message: error instanceof Error ? error.message : String(error)}
}

/**
 * `error` as a psp error carrying a diagnostic: refusals pass through, any other failure (a file
 * system error, a plain error from a reader) becomes an `archive_error` with its message kept.
 */
export function asArchiveError(error: unknown): PspError {
  const diagnostic = archiveDiagnosticOf(error)
  if (isPspError(error)) {
    error.data['diagnostic'] = diagnostic
    return error
  }
  return new IoError(diagnostic.message, {cause: error, data: {diagnostic}})
}
