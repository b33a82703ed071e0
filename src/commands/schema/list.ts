import {PspCommand} from '@psp/command'

export default class SchemaList extends PspCommand<typeof SchemaList> {
  static override description = 'List document types: built-in, extended or added by the workspace, or registered by plugins.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run() {
    const registry = this.schemaRegistry()
    const types = registry.list().map(({name, source, description, files}) => ({name, source, description, files}))
    const width = Math.max(...types.map((t) => t.name.length))
    this.print(types.map((t) => `${t.name.padEnd(width)}  ${t.source.padEnd(9)}  ${t.description}`).join('\n'))
    return types
  }
}

