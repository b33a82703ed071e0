/**
 * What `<type> edit --where` needs around the core's planEdits/applyEdits: the plan as text and
 * as JSON, whether to apply it (`--yes`, `--dry-run`, or asking on the terminal), and the prompt
 * itself. The prompt library is imported only when there is something to ask: start-up time is
 * measured, and most runs never ask.
 */
import {visible} from '@psp/command'
import type {EditPlan, FieldChange} from '@psp/core'

/** Records listed in full before the plan says "… and N more" (`--verbose` lists them all). */
export const PLAN_LINES = 50

/** How many records, with the type's noun: `1 task`, `3 tasks`. */
export function count(n: number, type: string): string {
  return `${n} ${type}${n === 1 ? '' : 's'}`
}

/** A field's value as the plan shows it: YAML-like, lists in brackets, `(none)` when absent. */
function shown(value: unknown): string {
  if (value === undefined) return '(none)'
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`
  if (value === null) return 'null'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value).replace(/\r?\n/g, '\\n')
}

function changeText(change: FieldChange): string {
  return `${change.field}: ${shown(change.from)} → ${shown(change.to)}`
}

/**
 * The plan for people: one line per changed record (`<id>  <title>  field: old → new; …`),
 * cut after `limit` records, then the summary line.
 */
export function planText(plan: EditPlan, type: string, options: {limit?: number; applying: boolean}): string {
  const {edits} = plan
  const limit = options.limit ?? edits.length
  const lines = edits
    .slice(0, limit)
    .map((e) => visible(`${e.record.id}  ${e.record.title}  ${e.changes.map(changeText).join('; ')}`))
  if (edits.length > limit) lines.push(`… and ${edits.length - limit} more (--verbose lists them all)`)
  const verb = options.applying ? 'will change' : 'would change'
  lines.push(`${count(edits.length, type)} ${verb} (${plan.matched} match, ${plan.unchanged} already as asked)`)
  return `${lines.join('\n')}\n`
}

/** The plan (or what was applied) as `--json` prints it. */
export function planJson(plan: EditPlan, applied: boolean): Record<string, unknown> {
  return {
    applied,
    matched: plan.matched,
    unchanged: plan.unchanged,
    records: plan.edits.map((e) => ({id: e.record.id, path: e.record.path, title: e.record.title, changes: e.changes})),
    warnings: plan.warnings,
  }
}

/** What to do with a plan that changes something. */
export type Decision = 'apply' | 'dry-run' | 'declined' | 'cancelled' | 'cannot-ask'

/** How the user chose: the flags, and whether there is a terminal to ask on. */
export interface Choice {
  yes?: boolean
  dryRun?: boolean
  /** stdin and stdout are terminals, and the output is not `--json`. */
  canAsk: boolean
}

/** True when the plan is going to be applied, or asked about (so it says "will", not "would"). */
export function mayApply(choice: Choice): boolean {
  return !choice.dryRun && (choice.yes === true || choice.canAsk)
}

/**
 * Decides whether to apply: `--dry-run` never does, `--yes` always does, otherwise `ask` is
 * called when there is a terminal (it returns the answer, or undefined when the user interrupted
 * the prompt), and without one nothing is applied.
 */
export async function decide(choice: Choice, ask: () => Promise<boolean | undefined>): Promise<Decision> {
  if (choice.dryRun) return 'dry-run'
  if (choice.yes) return 'apply'
  if (!choice.canAsk) return 'cannot-ask'
  const answer = await ask()
  return answer === undefined ? 'cancelled' : answer ? 'apply' : 'declined'
}

/** Asks a yes/no question on the terminal (default no); undefined when interrupted (Ctrl-C). */
export async function askOnTerminal(message: string): Promise<boolean | undefined> {
  const {default: confirm} = await import('@inquirer/confirm')
  try {
    return await confirm({message, default: false})
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') return undefined
    throw error
  }
}
