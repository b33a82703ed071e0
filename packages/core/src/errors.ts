/**
 * The typed error hierarchy of psp. The core throws only these; the CLI renders them in one
 * place. `code` is stable (scripts branch on it), `exitCode` is documented in docs/exit-codes.md.
 */

/** Where in a file a problem is: path relative to the workspace root, 1-based line and column. */
export interface Location {
  path?: string
  line?: number
  col?: number
  field?: string
}

export interface PspErrorOptions extends Location {
  /** Structured details for `--json` output (candidates, limits, …). */
  data?: Record<string, unknown>
  /** A one-line hint telling the user what to do. */
  hint?: string
  cause?: unknown
}

export class PspError extends Error {
  static readonly code: string = 'PSP_ERROR'
  static readonly exitCode: number = 10
  readonly code: string
  readonly exitCode: number
  readonly location: Location
  readonly data: Record<string, unknown>
  readonly hint?: string

  constructor(message: string, options: PspErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    const ctor = this.constructor as typeof PspError
    this.name = ctor.name
    this.code = ctor.code
    this.exitCode = ctor.exitCode
    this.location = {path: options.path, line: options.line, col: options.col, field: options.field}
    this.data = options.data ?? {}
    this.hint = options.hint
  }

  /** `path:line:col: field: message` — the one line every diagnostic is rendered as. */
  toLine(): string {
    return formatLocated(this.location, this.message)
  }

  toJSON(): Record<string, unknown> {
    const {path, line, col, field} = this.location
    return {
      code: this.code,
      message: this.message,
      ...(path === undefined ? {} : {path}),
      ...(line === undefined ? {} : {line}),
      ...(col === undefined ? {} : {col}),
      ...(field === undefined ? {} : {field}),
      ...(this.hint === undefined ? {} : {hint: this.hint}),
      ...(Object.keys(this.data).length > 0 ? {data: this.data} : {}),
    }
  }
}

/** Renders a location and a message as one line: `path:line:col: field: message`. */
export function formatLocated(loc: Location, message: string): string {
  let prefix = ''
  if (loc.path !== undefined) {
    prefix = loc.path
    if (loc.line !== undefined) prefix += `:${loc.line}`
    if (loc.line !== undefined && loc.col !== undefined) prefix += `:${loc.col}`
    prefix += ': '
  }
  const field = loc.field === undefined ? '' : `${loc.field}: `
  return `${prefix}${field}${message}`
}

/** Bad arguments or flags: the user asked for something psp cannot do as asked. */
export class UsageError extends PspError {
  static override readonly code = 'USAGE'
  static override readonly exitCode = 2
}

/** No psp workspace at or above the working directory. */
export class WorkspaceNotFoundError extends PspError {
  static override readonly code = 'NO_WORKSPACE'
  static override readonly exitCode = 3
}

/** An id, prefix, type or file that does not exist. */
export class NotFoundError extends PspError {
  static override readonly code = 'NOT_FOUND'
  static override readonly exitCode = 4
}

/** An id prefix that matches more than one record. `data.candidates` lists them. */
export class AmbiguousIdError extends PspError {
  static override readonly code = 'AMBIGUOUS_ID'
  static override readonly exitCode = 5
}

/** A document or config file that cannot be parsed or does not satisfy its schema. */
export class InvalidDocumentError extends PspError {
  static override readonly code = 'INVALID_DOCUMENT'
  static override readonly exitCode = 6
}

/** A write that would break the workspace: duplicate id, cycle, dangling reference, existing file. */
export class ConflictError extends PspError {
  static override readonly code = 'CONFLICT'
  static override readonly exitCode = 7
}

/** Input refused for safety: path tricks, oversized files, code-running frontmatter, alias bombs. */
export class UnsafeInputError extends PspError {
  static override readonly code = 'UNSAFE_INPUT'
  static override readonly exitCode = 8
}

/** The file system or git failed underneath us (permissions, disk full, lock timeout). */
export class IoError extends PspError {
  static override readonly code = 'IO'
  static override readonly exitCode = 9
}

/** Exit code when `psp validate` finds problems (not an error: the command worked). */
export const EXIT_PROBLEMS_FOUND = 1

/**
 * True for errors psp raised on purpose (as opposed to bugs). Checked by shape, not only by class:
 * a plugin that installed its own copy of the core throws errors of that copy's classes.
 */
export function isPspError(error: unknown): error is PspError {
  if (error instanceof PspError) return true
  if (!(error instanceof Error)) return false
  const e = error as Error & Partial<Pick<PspError, 'code' | 'exitCode' | 'toLine' | 'toJSON'>>
  return (
    typeof e.code === 'string' &&
    typeof e.exitCode === 'number' &&
    typeof e.toLine === 'function' &&
    typeof e.toJSON === 'function'
  )
}
