/** What the hooks need to know about the command that ran (set by the base command). */
export const runContext: {
  started: number
  logLevel?: string
  root?: string
  /** The workspace's log settings, once a command has read settings.yaml (saves the hook reading it again). */
  log?: {level: string; max_bytes: number; keep: number}
  /** The variables the workspace's `.env` set (the environment did not), for configuration origins. */
  envFileNames?: string[]
} = {started: Date.now()}
