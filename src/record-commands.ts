/**
 * The record commands' behaviour, shared by task, project and milestone (and by plugins' own
 * types): each command file only names its type and flags. Every one of them parses, calls the
 * core's DocumentStore, and prints or returns the result.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {DocumentStore, PspError, rollUp, UsageError, type DocumentRecord} from '@psp/core'
import {DEFAULT_COLUMNS, PspCommand, recordJson, renderRecord, type Format} from '@psp/command'
import {planningInput} from './planning-support.js'
import {rollUpJson, rollUpText} from './rollup-support.js'
import {editFlags, editOperations, fieldsFromFlags, idArg, listFlags, parseSets, resolveRef} from './record-flags.js'
import {renderSelection, select, selectionJson} from './query-support.js'

type Json = Record<string, unknown>

/** The base of `<type> add`. */
export abstract class RecordAdd extends PspCommand<typeof RecordAdd> {
  static type = 'task'
  static override args = {title: Args.string({description: 'Title of the new record.', required: true})}

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordAdd).type
    const store = new DocumentStore(this.workspace())
    const flags = this.flags as Record<string, unknown>
    const sets = parseSets(flags['set'] as string[] | undefined)
    // The core skips these fields when creating; saying so beats silently dropping what was typed.
    for (const key of ['id', 'type', 'title']) {
      if (key in sets) throw new UsageError(`cannot be set with --set: ${key === 'id' ? 'psp chooses the id' : key === 'type' ? `this command adds a ${type}` : 'the title is the argument'}`, {field: key})
    }
    const fields = {...sets, ...fieldsFromFlags(type, flags, store)}
    const {record} = store.create({type, title: this.args.title as string, fields, body: flags['body'] as string | undefined})
    this.print(`Created ${record.id}  ${record.path}`)
    return recordJson(record)
  }
}

/** The base of `<type> list`. */
export abstract class RecordList extends PspCommand<typeof RecordList> {
  static type = 'task'
  static override flags = listFlags

  public async run(): Promise<Json[]> {
    const type = (this.constructor as typeof RecordList).type
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const candidates = store.filter({
      type,
      status: flags.status,
      project: flags.project === undefined ? undefined : resolveRef(store, flags.project, 'project'),
      milestone: flags.milestone === undefined ? undefined : resolveRef(store, flags.milestone, 'milestone'),
      archived: flags.archived,
    })
    const selected = select(store, candidates, flags)
    this.noteUnreadable(store)
    if (!this.jsonEnabled()) {
      const format = flags.format as Format
      if (selected.result.records.length === 0 && format === 'table') this.note(`No ${type}s${flags.archived ? ' in the archive' : ''}.`)
      else process.stdout.write(await renderSelection(selected, format, DEFAULT_COLUMNS[type] ?? ['id', 'status', 'title']))
    }
    return selectionJson(selected)
  }
}

/** The base of `<type> show`. */
export abstract class RecordShow extends PspCommand<typeof RecordShow> {
  static type = 'task'
  static override args = {id: idArg}

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordShow).type
    const record = new DocumentStore(this.workspace()).get(this.args.id as string, type)
    this.print(renderRecord(record))
    return recordJson(record, {body: true})
  }
}

/** The base of `<type> edit`. */
export abstract class RecordEdit extends PspCommand<typeof RecordEdit> {
  static type = 'task'
  static override args = {id: idArg}
  static override flags = editFlags

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordEdit).type
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const hasOps = [flags.set, flags.unset, flags.add, flags.remove].some((list) => list !== undefined && list.length > 0)
    let result
    if (hasOps) {
      result = await store.update(this.args.id as string, editOperations(flags, store, type), type)
    } else {
      const record = store.get(this.args.id as string, type)
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new UsageError('nothing to change: pass --set key=value (or run in a terminal to edit in $EDITOR)')
      }
      const edited = editInEditor(store.ws.resolve(record.path))
      try {
        result = await store.replaceText(record.id, edited.text, type)
      } catch (error) {
        // Keep what the user typed: they can fix it and copy it back, or run edit again.
        if (error instanceof PspError) {
          fs.writeFileSync(edited.keep, edited.text)
          throw withHint(error, `your edit is saved in ${edited.keep}`)
        }
        throw error
      }
      fs.rmSync(path.dirname(edited.keep), {recursive: true, force: true})
    }
    this.print(result.changed ? `Updated ${result.record.id}  ${result.record.path}` : `${result.record.id} unchanged`)
    return {...recordJson(result.record), changed: result.changed}
  }
}

/**
 * Opens a copy of the file in $VISUAL/$EDITOR and returns what the user saved, and where to keep
 * it should it fail validation.
 */
function editInEditor(file: string): {text: string; keep: string} {
  const editor = process.env['VISUAL'] || process.env['EDITOR'] || (process.platform === 'win32' ? 'notepad' : 'vi')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-edit-'))
  const copy = path.join(dir, path.basename(file))
  fs.copyFileSync(file, copy)
  const result = spawnSync(editor, [copy], {stdio: 'inherit', shell: true})
  if (result.status !== 0) {
    fs.rmSync(dir, {recursive: true, force: true})
    throw new UsageError(`${editor} exited with ${result.status ?? result.signal}; nothing changed`)
  }
  return {text: fs.readFileSync(copy, 'utf8'), keep: copy}
}

/** The same error, with a hint added. */
function withHint(error: PspError, hint: string): PspError {
  const Class = error.constructor as new (message: string, options: Record<string, unknown>) => PspError
  return new Class(error.message, {...error.location, data: error.data, hint})
}

/** The base of `<type> rm`. */
export abstract class RecordRm extends PspCommand<typeof RecordRm> {
  static type = 'task'
  static override args = {id: idArg}
  static override flags = {
    force: Flags.boolean({description: 'Delete the file instead of archiving it.'}),
  }

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordRm).type
    const store = new DocumentStore(this.workspace())
    let record: DocumentRecord
    if (this.flags.force) {
      record = store.delete(this.args.id as string, type)
      this.print(`Deleted ${record.id}  ${record.path}`)
      return {...recordJson(record), deleted: true}
    }
    record = store.archive(this.args.id as string, type)
    this.print(`Archived ${record.id}  ${record.path}`)
    return recordJson(record)
  }
}

/** The base of `<type> restore`. */
export abstract class RecordRestore extends PspCommand<typeof RecordRestore> {
  static type = 'task'
  static override args = {id: idArg}

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordRestore).type
    const record = new DocumentStore(this.workspace()).restore(this.args.id as string, type)
    this.print(`Restored ${record.id}  ${record.path}`)
    return recordJson(record)
  }
}

/**
 * The base of `project show` and `milestone show`: the record, then a roll-up of its tasks
 * (docs/planning.md), also under `rollup` in `--json`.
 */
export abstract class RecordShowWithRollUp extends RecordShow {
  public override async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordShow).type as 'project' | 'milestone'
    const store = new DocumentStore(this.workspace())
    const record = store.get(this.args.id as string, type)
    const {tasks, context} = planningInput(store)
    this.noteUnreadable(store)
    const rollup = rollUp(tasks, context, {[type]: record.id, due: record.data['due']})
    this.print(renderRecord(record) + rollUpText(rollup))
    return {...recordJson(record, {body: true}), rollup: rollUpJson(rollup)}
  }
}
