/**
 * How `psp openspec … --json` fails: like openspec, with its `{…, status: [diagnostic]}` payload
 * alone on stdout (so a script written for either tool reads the same thing), and like psp, with
 * the documented exit code of the error (docs/exit-codes.md) rather than openspec's blanket 1.
 */

/** Sets the exit code for a failure reported as a JSON payload: the error's own code, else 1. */
export function setJsonFailureExit(error: unknown): void {
  const exitCode = (error as {exitCode?: unknown} | null)?.exitCode
  process.exitCode = typeof exitCode === 'number' && exitCode > 0 ? exitCode : 1
}
