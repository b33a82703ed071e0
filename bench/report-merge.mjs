// Putting one part of a fresh measurement into an existing docs/performance.md (the `--only`
// runs of bench/run.mjs): its "## <heading>" section is replaced (or added before
// "## Acceptance"), and its rows of the acceptance table replace the old ones, so every other
// part of the report stays as the last full run left it.

/**
 * The report with the section and rows put in; undefined when the text does not have the
 * expected shape. `isOwnRow` tells the acceptance rows that belong to this part.
 */
export function mergeReportSection(text, heading, section, rows, isOwnRow) {
  const lines = text.split('\n')
  const headingAt = (name) => lines.findIndex((l) => l === `## ${name}`)
  const nextHeading = (from) => {
    const i = lines.findIndex((l, n) => n > from && l.startsWith('## '))
    return i === -1 ? lines.length : i
  }
  let acceptance = headingAt('Acceptance')
  if (acceptance === -1) return undefined
  const existing = headingAt(heading)
  if (existing === -1) lines.splice(acceptance, 0, ...section)
  else lines.splice(existing, nextHeading(existing) - existing, ...section)
  acceptance = headingAt('Acceptance')
  const end = nextHeading(acceptance)
  const table = lines
    .slice(acceptance, end)
    .map((l, i) => ({l, i: acceptance + i}))
    .filter(({l}) => l.startsWith('|'))
  if (table.length < 2) return undefined
  const kept = table.filter(({l}) => !isOwnRow(l))
  const last = table.at(-1).i
  lines.splice(table[0].i, last - table[0].i + 1, ...kept.map(({l}) => l), ...rows)
  return lines.join('\n')
}
