/**
 * The shape of psp's settings and their built-in defaults: the lowest configuration layer,
 * documented key by key in docs/configuration.md.
 */
import {DEFAULT_LOG_SETTINGS} from '../log-settings.js'

/** What a move into a status at its WIP limit does. */
export type WipPolicy = 'warn' | 'refuse'

/** Settings with every default filled in. */
export interface Settings {
  schemaVersion: 1
  name: string
  workflow: {
    statuses: string[]
    default: string
    done: string[]
    /** WIP limits: status → the most non-archived tasks it may hold. */
    wip: Record<string, number>
    /** At a WIP limit, `warn` moves the task anyway with a warning; `refuse` leaves it where it is. */
    wip_policy: WipPolicy
  }
  priorities: string[]
  ids: {length: number; prefixes: Record<string, string>}
  limits: {max_document_bytes: number}
  log: {level: string; max_bytes: number; keep: number}
  git: {auto_commit: boolean}
}

export const DEFAULT_PREFIXES: Record<string, string> = {
  task: 'task',
  project: 'proj',
  milestone: 'ms',
  note: 'note',
  decision: 'dec',
}

/** The defaults, documented in docs/configuration.md. */
export function defaultSettings(name = 'workspace'): Settings {
  return {
    schemaVersion: 1,
    name,
    workflow: {statuses: ['todo', 'in-progress', 'review', 'done'], default: 'todo', done: ['done'], wip: {}, wip_policy: 'warn'},
    priorities: ['low', 'medium', 'high', 'critical'],
    ids: {length: 10, prefixes: {...DEFAULT_PREFIXES}},
    limits: {max_document_bytes: 1024 * 1024},
    log: {...DEFAULT_LOG_SETTINGS},
    git: {auto_commit: false},
  }
}

/** Settings as a file (or the merged layers) holds them: any key may be missing. */
export type RawSettings = Partial<Omit<Settings, 'workflow' | 'ids' | 'limits' | 'log' | 'git'>> & {
  workflow?: Partial<Settings['workflow']>
  ids?: Partial<Settings['ids']>
  limits?: Partial<Settings['limits']>
  log?: Partial<Settings['log']>
  git?: Partial<Settings['git']>
}

/** Fills in defaults for every key a settings object leaves out. */
export function withDefaults(raw: RawSettings, fallbackName: string): Settings {
  const d = defaultSettings(raw.name ?? fallbackName)
  const statuses = raw.workflow?.statuses ?? d.workflow.statuses
  return {
    schemaVersion: 1,
    name: raw.name ?? fallbackName,
    workflow: {
      statuses,
      default: raw.workflow?.default ?? statuses[0] ?? d.workflow.default,
      done: raw.workflow?.done ?? (statuses.includes('done') ? ['done'] : statuses.slice(-1)),
      wip: {...raw.workflow?.wip},
      wip_policy: raw.workflow?.wip_policy ?? d.workflow.wip_policy,
    },
    priorities: raw.priorities ?? d.priorities,
    ids: {length: raw.ids?.length ?? d.ids.length, prefixes: {...d.ids.prefixes, ...raw.ids?.prefixes}},
    limits: {...d.limits, ...raw.limits},
    log: {...d.log, ...raw.log},
    git: {...d.git, ...raw.git},
  }
}
