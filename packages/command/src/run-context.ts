/** What the hooks need to know about the command that ran (set by the base command). */
export const runContext: {started: number; logLevel?: string; root?: string} = {started: Date.now()}
