import {Args, Flags} from '@oclif/core'
import {DocumentStore} from '@psp/core'
import {atFlag, DEFAULT_COLUMNS, type Format, PspCommand} from '@psp/command'
import {fieldsFlag, formatFlag, limitFlag, renderSelection, select, selectionJson, sortFlag} from '../query-support.js'

export default class Query extends PspCommand<typeof Query> {
  static override description = 'Find the records of every type (or --type) that match a query; archived records are left out. The language: docs/query.md.'
  static override examples = [
    `<%= config.bin %> <%= command.id %> 'status = todo and (priority >= high or due < today+7d)'`,
    `<%= config.bin %> <%= command.id %> 'ready and assignee = ana' --type task --sort priority:desc,due --fields id,title,due --format csv`,
    `<%= config.bin %> <%= command.id %> 'not done' --group status`,
  ]
  static override args = {query: Args.string({description: 'The query, e.g. \'status = todo and tags has ui\'.', required: true})}
  static override flags = {
    at: atFlag,
    type: Flags.string({description: 'Only records of this type; repeatable.', multiple: true, multipleNonGreedy: true, helpValue: '<type>'}),
    sort: sortFlag,
    group: Flags.string({description: 'Group the results by this field.', helpValue: '<field>'}),
    limit: limitFlag,
    fields: fieldsFlag,
    format: formatFlag,
  }

  public async run() {
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const types = flags.type === undefined || flags.type.length === 0 ? undefined : new Set(flags.type.map((t) => store.ws.schemas.get(t).name))
    const candidates = store.list().filter((r) => types === undefined || types.has(r.type))
    const selected = select(store, candidates, {...flags, where: this.args.query})
    this.noteUnreadable(store)
    if (!this.jsonEnabled()) {
      const format = flags.format as Format
      const only = types?.size === 1 ? [...types][0] : undefined
      const columns = (only === undefined ? undefined : DEFAULT_COLUMNS[only]) ?? ['id', 'type', 'status', 'title']
      if (selected.result.records.length === 0 && format === 'table') this.note('No matching records.')
      else process.stdout.write(await renderSelection(selected, format, columns))
    }
    return this.jsonEnabled() ? selectionJson(selected) : []
  }
}
