import {PspCommand} from '@psp/command'
import {DocumentStore} from '@psp/core'

export default class Research extends PspCommand<typeof Research> {
  static override description = 'List the research notes of the workspace (documents of type note) with their sources.'
  static override examples = ['<%= config.bin %> research', '<%= config.bin %> research --json']

  public async run() {
    const store = new DocumentStore(this.workspace())
    const notes = store.list('note').map((r) => ({id: r.id, path: r.path, title: r.title, source: r.data['source'] ?? null}))
    if (!this.jsonEnabled()) {
      if (notes.length === 0) process.stderr.write('No research notes yet.\n')
      for (const n of notes) this.print(`${n.id}  ${n.title}${n.source ? `  (${String(n.source)})` : ''}`)
    }
    return notes
  }
}
