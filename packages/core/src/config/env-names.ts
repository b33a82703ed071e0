/**
 * The environment variable of a settings key: `PSP_` and the key upper-cased, dots turned into
 * underscores (`log.level` → `PSP_LOG_LEVEL`). Free of imports: the run log's reader, which every
 * start-up may load, uses it.
 */
export function envVariable(key: string): string {
  return `PSP_${key.toUpperCase().replace(/\./g, '_')}`
}

/** The PSP_* variables psp reads that are not settings (docs/configuration.md#environment-variables). */
export const OTHER_PSP_VARIABLES = ['PSP_DEBUG', 'PSP_GIT_TOKEN', 'PSP_GIT_USERNAME'] as const
