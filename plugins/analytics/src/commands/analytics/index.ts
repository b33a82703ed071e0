import {PspCommand} from '@psp/command'
import {DocumentStore} from '@psp/core'

export default class Analytics extends PspCommand<typeof Analytics> {
  static override description = 'Count the workspace\'s records by type and status (flow metrics from git history come later).'
  static override examples = ['<%= config.bin %> analytics', '<%= config.bin %> analytics --json']

  public async run() {
    const store = new DocumentStore(this.workspace())
    const counts: Record<string, Record<string, number>> = {}
    for (const record of store.list()) {
      const byStatus = (counts[record.type] ??= {})
      const status = typeof record.data['status'] === 'string' ? record.data['status'] : '(none)'
      byStatus[status] = (byStatus[status] ?? 0) + 1
    }
    if (!this.jsonEnabled()) {
      for (const [type, byStatus] of Object.entries(counts).sort()) {
        const total = Object.values(byStatus).reduce((a, b) => a + b, 0)
        const detail = Object.entries(byStatus).map(([s, n]) => `${s} ${n}`).join(', ')
        this.print(`${type}: ${total} (${detail})`)
      }
    }
    return counts
  }
}
