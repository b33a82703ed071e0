/**
 * The one place errors become output. Every command (psp's and plugins') ends up here through
 * bin/run.js: a PspError prints as one line (`Error: path:line:col: field: message`) with its
 * documented exit code; oclif's own errors keep their exit codes; anything else is a bug and
 * shows its stack only with --debug / PSP_DEBUG.
 */
import {isPspError} from '@psp/core/records'
import {exitCodeOf} from './exit-code.js'

export {exitCodeOf}

interface OclifLikeError {
  message: string
  oclif?: {exit?: number}
  code?: string
  skipOclifErrorHandling?: boolean
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json')
}

function debugEnabled(argv: string[]): boolean {
  return argv.includes('--debug') || ['1', 'true'].includes(process.env['PSP_DEBUG'] ?? '')
}

/** Writes the error to stderr (as JSON under --json) and returns the exit code. */
export function renderError(error: unknown, argv: string[] = process.argv.slice(2)): number {
  const code = exitCodeOf(error)
  const e = error as OclifLikeError
  // `this.exit(n)` inside oclif throws an ExitError: nothing to print.
  if (e?.code === 'EEXIT') return code
  const debug = debugEnabled(argv)
  if (wantsJson(argv)) {
    const body = isPspError(error)
      ? error.toJSON()
      : {code: code === 10 ? 'INTERNAL' : 'USAGE', message: firstLine(e?.message ?? String(error))}
    process.stderr.write(`${JSON.stringify({error: body})}\n`)
  } else if (isPspError(error)) {
    process.stderr.write(`Error: ${error.toLine()}\n`)
    if (error.hint) process.stderr.write(`Hint: ${error.hint}\n`)
  } else {
    process.stderr.write(`Error: ${firstLine(e?.message ?? String(error))}\n`)
    if (code === 10 && !debug) process.stderr.write('This is a bug in psp; run again with --debug for details.\n')
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  return code
}

/**
 * oclif's parse errors span several lines ("Missing 1 required arg:\ntitle  Title of …\nSee more
 * help with --help"): fold them into the one line every psp error is.
 */
function firstLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.replace(/^\s*›?\s*Error:\s*/, '').trim())
    .filter((l) => l !== '' && !/^See more help with/.test(l))
  // "The following errors occurred:" then one line per error: keep the first, count the rest.
  if (/^The following errors occurred:?$/.test(lines[0] ?? '') && lines.length > 1) {
    const rest = lines.length - 2
    return `${lines[1]}${rest > 0 ? ` (and ${rest} more)` : ''}`
  }
  // oclif's note about multi-value flags is moot: psp's take one value per occurrence.
  return lines
    .join(' ')
    .replace(/\s*Note: .* allows? multiple values\..*$/, '').replace(/:\s+/, ': ').replace(/\s{2,}/g, ' ')
}
