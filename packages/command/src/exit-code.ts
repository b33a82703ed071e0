/** The exit code an error ends the process with; documented in docs/exit-codes.md. */
export function exitCodeOf(error: unknown): number {
  const e = error as {exitCode?: unknown; oclif?: {exit?: unknown}} | null
  // A PspError (from any copy of the core) carries its own; oclif's errors carry theirs.
  if (e instanceof Error && typeof e.exitCode === 'number' && typeof (e as {code?: unknown}).code === 'string') return e.exitCode
  if (typeof e?.oclif?.exit === 'number') return e.oclif.exit
  return 10
}
