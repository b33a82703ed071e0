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
import {applyEdits, DocumentStore, planEdits, PspError, rollUp, UsageError, type DocumentRecord} from '@psp/core'
import {DEFAULT_COLUMNS, PspCommand, recordJson, renderRecord, type Format} from '@psp/command'
import {historySection} from './history-support.js'
import {RecordShow} from './record-show.js'
import {planningInput} from './planning-support.js'
import {rollUpJson, rollUpText} from './rollup-support.js'
import {askOnTerminal, count, decide, mayApply, PLAN_LINES, planJson, planText} from './bulk-edit-support.js'
import {BULK_ONLY_FLAGS, editFlags, editIdArg, editOperations, fieldsFromFlags, idArg, listFlags, parseSets, resolveRef} from './record-flags.js'
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
    // Only --json prints the return value; building it for 50,000 records is not free.
    return this.jsonEnabled() ? selectionJson(selected) : []
  }
}

/**
 * The base of `<type> edit`: one record by id (flags, or `$EDITOR`), or with `--where` every
 * matching record, shown first and applied after `--yes` or a yes at the prompt.
 */
export abstract class RecordEdit extends PspCommand<typeof RecordEdit> {
  static type = 'task'
  static override args = {id: editIdArg}
  static override flags = editFlags

  public async run(): Promise<Json> {
    const type = (this.constructor as typeof RecordEdit).type
    const store = new DocumentStore(this.workspace())
    const {flags} = this
    const id = this.args.id as string | undefined
    const hasOps = [flags.set, flags.unset, flags.add, flags.remove].some((list) => list !== undefined && list.length > 0)
    if (flags.where !== undefined) {
      if (id !== undefined) throw new UsageError(`give either an id or --where, not both (${id} and --where)`)
      if (!hasOps) throw new UsageError('--where needs --set, --unset, --add or --remove: a bulk edit never opens an editor')
      return this.bulkEdit(store, type, flags.where)
    }
    const bulkOnly = BULK_ONLY_FLAGS.find((flag) => flags[flag])
    if (bulkOnly !== undefined) throw new UsageError(`--${bulkOnly} goes with --where`)
    if (id === undefined) throw new UsageError(`give the id of the ${type} to edit, or --where '<expr>' to edit every match`)
    let result
    if (hasOps) {
      result = await store.update(id, editOperations(flags, store, type), type)
    } else {
      const record = store.get(id, type)
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

  /** `--where`: plan every change, show it, then apply it, ask, or stop (docs/commands.md#bulk-edit). */
  private async bulkEdit(store: DocumentStore, type: string, where: string): Promise<Json> {
    const {flags} = this
    if (flags.yes && flags['dry-run']) throw new UsageError('--yes and --dry-run contradict each other: choose one')
    const ops = editOperations(flags, store, type)
    const selected = select(store, store.filter({type, archived: flags.archived}), {where})
    this.noteUnreadable(store)
    const plan = planEdits(store, selected.result.records, ops)
    for (const warning of plan.warnings) this.note(`Warning: ${warning}`)
    if (plan.edits.length === 0) {
      if (plan.matched === 0) this.note(`No ${type}s${flags.archived ? ' in the archive' : ''} match; nothing changed.`)
      else this.print(planText(plan, type, {applying: false}))
      return planJson(plan, false)
    }
    const json = this.jsonEnabled()
    const choice = {yes: flags.yes, dryRun: flags['dry-run'], canAsk: !json && Boolean(process.stdin.isTTY && process.stdout.isTTY)}
    this.print(planText(plan, type, {applying: mayApply(choice), ...(flags.verbose ? {} : {limit: PLAN_LINES})}))
    const decision = await decide(choice, () => askOnTerminal(`Change ${count(plan.edits.length, type)}?`))
    switch (decision) {
      case 'apply': {
        const written = await applyEdits(store, plan)
        this.print(`Changed ${count(written.length, type)}`)
        return planJson(plan, true)
      }
      case 'dry-run':
        return planJson(plan, false)
      case 'declined':
        // Like apt or terraform: the command ran, but what was asked did not happen.
        this.note('Nothing changed.')
        process.exitCode = 1
        return planJson(plan, false)
      case 'cancelled':
        this.note('Cancelled; nothing changed.')
        return this.exit(130)
      case 'cannot-ask':
        // The plan is the data a script asked for; the refusal is the error.
        if (json) this.logJson(planJson(plan, false))
        throw new UsageError(
          `${count(plan.edits.length, type)} would change; re-run with --yes to apply (${json ? '--json never asks' : 'no terminal to ask on'})`,
        )
    }
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
    const history = this.historyOf(record)
    this.print(renderRecord(record) + rollUpText(rollup) + historySection(history))
    return {...recordJson(record, {body: true}), rollup: rollUpJson(rollup), history}
  }
}
