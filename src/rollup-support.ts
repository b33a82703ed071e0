/** The roll-up `psp project show` and `psp milestone show` print under a record, and its JSON. */
import type {RollUp} from '@psp/core'

const hours = (n: number) => String(Math.round(n * 100) / 100)

export function rollUpText(r: RollUp): string {
  const lines = [
    '',
    `tasks: ${r.done}/${r.total} done, ${r.blocked} blocked, ${r.ready} ready`,
    `remaining: ${hours(r.remainingEstimate)} h${r.missingEstimates > 0 ? ` (${r.missingEstimates} without estimate)` : ''}${r.criticalPath === null ? '' : `, critical path ${hours(r.criticalPath)} h`}`,
  ]
  if (r.risk !== null) lines.push(`due-date risk: ${r.risk}${r.reasons.length > 0 ? ` (${r.reasons.join('; ')})` : ''}`)
  return `${lines.join('\n')}\n`
}

export function rollUpJson(r: RollUp): Record<string, unknown> {
  return {
    total: r.total,
    done: r.done,
    open: r.open,
    blocked: r.blocked,
    ready: r.ready,
    remaining_estimate: r.remainingEstimate,
    missing_estimates: r.missingEstimates,
    critical_path: r.criticalPath,
    due: r.due,
    days_left: r.daysLeft,
    risk: r.risk,
    reasons: r.reasons,
  }
}
