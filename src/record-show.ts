/**
 * The base of `<type> show`, in a module of its own: show is the command people run most, and
 * this module's imports (the core's `records` entry, not its full index) are all it loads.
 */
import {DocumentStore, recordHistoryFields, type DocumentRecord, type HistoryFields} from '@psp/core/records'
import {atFlag, PspCommand, recordJson, renderRecord} from '@psp/command'
import {historySection} from './history-support.js'
import {idArg} from './record-args.js'

type Json = Record<string, unknown>

/** The base of `<type> show`. */
export abstract class RecordShow extends PspCommand<typeof RecordShow> {
  static type = 'task'
  static override args = {id: idArg}
  static override flags = {at: atFlag}

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordShow).type
    const record = new DocumentStore(this.workspace()).get(this.args.id as string, type)
    const history = this.historyOf(record)
    this.print(renderRecord(record) + historySection(history))
    return {...recordJson(record, {body: true}), history}
  }

  /** What git history says about the record (docs/history.md#derived-fields): as of `--at`, null without history. */
  protected historyOf(record: DocumentRecord): HistoryFields | null {
    // Never a full build here: in a fresh clone of a large repository that takes seconds.
    return recordHistoryFields(this.workspace(), record.id, new Date(), {build: false})
  }
}
