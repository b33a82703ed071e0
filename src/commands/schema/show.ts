import {Args} from '@oclif/core'
import {PspCommand} from '@psp/command'

export default class SchemaShow extends PspCommand<typeof SchemaShow> {
  static override description = 'Print the effective JSON Schema of a document type (with workspace extensions and workflow enums folded in).'
  static override examples = ['<%= config.bin %> <%= command.id %> task']
  static override args = {type: Args.string({description: 'Document type, e.g. task.', required: true})}

  public async run() {
    const registry = this.schemaRegistry()
    const info = registry.get(this.args.type)
    this.print(JSON.stringify(info.schema, null, 2))
    return {name: info.name, source: info.source, files: info.files, schema: info.schema}
  }
}
