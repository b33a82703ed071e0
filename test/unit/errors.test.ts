import {describe, expect, it} from 'vitest'
import {
  AmbiguousIdError,
  ConflictError,
  EXIT_PROBLEMS_FOUND,
  formatLocated,
  InvalidDocumentError,
  IoError,
  isPspError,
  NotFoundError,
  PspError,
  UnsafeInputError,
  UsageError,
  WorkspaceNotFoundError,
} from '@psp/core'

describe('the error classes', () => {
  it.each([
    [UsageError, 'USAGE', 2],
    [WorkspaceNotFoundError, 'NO_WORKSPACE', 3],
    [NotFoundError, 'NOT_FOUND', 4],
    [AmbiguousIdError, 'AMBIGUOUS_ID', 5],
    [InvalidDocumentError, 'INVALID_DOCUMENT', 6],
    [ConflictError, 'CONFLICT', 7],
    [UnsafeInputError, 'UNSAFE_INPUT', 8],
    [IoError, 'IO', 9],
  ] as const)('%o has a stable code and exit code', (ErrorClass, code, exitCode) => {
    const error = new ErrorClass('msg')
    expect(error).toBeInstanceOf(PspError)
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe(code)
    expect(error.exitCode).toBe(exitCode)
    expect(error.name).toBe(ErrorClass.name)
    expect(isPspError(error)).toBe(true)
  })

  it('keeps location, data, hint and cause', () => {
    const cause = new Error('root')
    const error = new InvalidDocumentError('bad', {path: 'a.md', line: 2, col: 3, field: 'x', data: {n: 1}, hint: 'fix it', cause})
    expect(error.location).toEqual({path: 'a.md', line: 2, col: 3, field: 'x'})
    expect(error.data).toEqual({n: 1})
    expect(error.hint).toBe('fix it')
    expect(error.cause).toBe(cause)
    expect(error.toJSON()).toEqual({
      code: 'INVALID_DOCUMENT',
      message: 'bad',
      path: 'a.md',
      line: 2,
      col: 3,
      field: 'x',
      hint: 'fix it',
      data: {n: 1},
    })
    expect(error.toLine()).toBe('a.md:2:3: x: bad')
  })

  it('leaves out what it does not know in JSON', () => {
    expect(new NotFoundError('gone').toJSON()).toEqual({code: 'NOT_FOUND', message: 'gone'})
  })

  it('tells psp errors from bugs', () => {
    expect(isPspError(new Error('x'))).toBe(false)
    expect(isPspError('x')).toBe(false)
  })

  it('uses exit code 1 for problems found', () => {
    expect(EXIT_PROBLEMS_FOUND).toBe(1)
  })
})

describe('formatLocated', () => {
  it.each([
    [{path: 'a.md', line: 2, col: 3, field: 'f'}, 'a.md:2:3: f: m'],
    [{path: 'a.md', line: 2}, 'a.md:2: m'],
    [{path: 'a.md', col: 3}, 'a.md: m'],
    [{path: 'a.md'}, 'a.md: m'],
    [{field: 'f'}, 'f: m'],
    [{}, 'm'],
  ])('renders %o', (location, line) => {
    expect(formatLocated(location, 'm')).toBe(line)
  })
})
