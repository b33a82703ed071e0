/**
 * `openspec view`: a text dashboard of specs, draft / active / completed changes and overall task
 * progress, laid out as openspec lays it out. Colour is the caller's choice (a terminal without
 * NO_COLOR); without it the text is plain.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError} from '../errors.js'
import {discoverSpecFiles} from './discovery.js'
import {requirementCountOf} from './list.js'
import type {OpenSpecRoot} from './root.js'
import {getTaskProgressForChange, type TaskProgress} from './task-progress.js'

/** The data behind the dashboard. */
export interface DashboardData {
  draft: string[]
  active: Array<{name: string; progress: TaskProgress}>
  completed: string[]
  /** Sorted by requirement count, largest first. */
  specs: Array<{name: string; requirementCount: number}>
}

type Paint = (text: string) => string

const SGR = {bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39], white: [37, 39], gray: [90, 39]} as const

function painter(color: boolean) {
  const make =
    (...styles: Array<keyof typeof SGR>): Paint =>
    (text) =>
      color ? styles.reduceRight((t, s) => `\u001b[${SGR[s][0]}m${t}\u001b[${SGR[s][1]}m`, text) : text
  return {
    bold: make('bold'),
    dim: make('dim'),
    red: make('red'),
    green: make('green'),
    yellow: make('yellow'),
    blue: make('blue'),
    magenta: make('magenta'),
    cyan: make('cyan'),
    white: make('white'),
    gray: make('gray'),
    boldGray: make('bold', 'gray'),
    boldCyan: make('bold', 'cyan'),
    boldGreen: make('bold', 'green'),
    boldBlue: make('bold', 'blue'),
  }
}

/** Collects what the dashboard shows; throws NotFoundError when the root has no `openspec/` folder. */
export function dashboardData(root: OpenSpecRoot): DashboardData {
  if (!fs.existsSync(path.join(root.path, 'openspec'))) throw new NotFoundError('No openspec directory found')
  const data: DashboardData = {draft: [], active: [], completed: [], specs: []}
  if (fs.existsSync(root.changesDir)) {
    for (const entry of fs.readdirSync(root.changesDir, {withFileTypes: true})) {
      if (!entry.isDirectory() || entry.name === 'archive') continue
      const progress = getTaskProgressForChange(root.changesDir, entry.name, root.path)
      if (progress.total === 0) data.draft.push(entry.name)
      else if (progress.completed === progress.total) data.completed.push(entry.name)
      else data.active.push({name: entry.name, progress})
    }
  }
  data.draft.sort((a, b) => a.localeCompare(b))
  const share = (p: TaskProgress) => (p.total > 0 ? p.completed / p.total : 0)
  data.active.sort((a, b) => share(a.progress) - share(b.progress) || a.name.localeCompare(b.name))
  data.completed.sort((a, b) => a.localeCompare(b))
  if (fs.existsSync(root.specsDir)) {
    data.specs = discoverSpecFiles(root.specsDir).map(({id, specFile}) => ({name: id, requirementCount: requirementCountOf(specFile, id)}))
    data.specs.sort((a, b) => b.requirementCount - a.requirementCount)
  }
  return data
}

/** The dashboard's lines. */
export function renderDashboard(data: DashboardData, options: {color?: boolean} = {}): string[] {
  const c = painter(options.color ?? false)
  const rule = '─'.repeat(60)
  const lines: string[] = [c.bold('\nOpenSpec Dashboard\n'), '═'.repeat(60)]

  const totalRequirements = data.specs.reduce((sum, s) => sum + s.requirementCount, 0)
  let totalTasks = 0
  let doneTasks = 0
  for (const a of data.active) {
    totalTasks += a.progress.total
    doneTasks += a.progress.completed
  }
  lines.push(c.bold('Summary:'))
  lines.push(`  ${c.cyan('●')} Specifications: ${c.bold(String(data.specs.length))} specs, ${c.bold(String(totalRequirements))} requirements`)
  if (data.draft.length > 0) lines.push(`  ${c.gray('●')} Draft Changes: ${c.bold(String(data.draft.length))}`)
  lines.push(`  ${c.yellow('●')} Active Changes: ${c.bold(String(data.active.length))} in progress`)
  lines.push(`  ${c.green('●')} Completed Changes: ${c.bold(String(data.completed.length))}`)
  if (totalTasks > 0) {
    lines.push(`  ${c.magenta('●')} Task Progress: ${c.bold(`${doneTasks}/${totalTasks}`)} (${Math.round((doneTasks / totalTasks) * 100)}% complete)`)
  }

  if (data.draft.length > 0) {
    lines.push(c.boldGray('\nDraft Changes'), rule)
    for (const name of data.draft) lines.push(`  ${c.gray('○')} ${name}`)
  }
  if (data.active.length > 0) {
    lines.push(c.boldCyan('\nActive Changes'), rule)
    for (const {name, progress} of data.active) {
      const percent = progress.total > 0 ? Math.round((progress.completed / progress.total) * 100) : 0
      lines.push(`  ${c.yellow('◉')} ${c.bold(name.padEnd(30))} ${progressBar(progress, c)} ${c.dim(`${percent}%`)}`)
    }
  }
  if (data.completed.length > 0) {
    lines.push(c.boldGreen('\nCompleted Changes'), rule)
    for (const name of data.completed) lines.push(`  ${c.green('✓')} ${name}`)
  }
  if (data.specs.length > 0) {
    lines.push(c.boldBlue('\nSpecifications'), rule)
    for (const s of data.specs) {
      lines.push(`  ${c.blue('▪')} ${c.bold(s.name.padEnd(30))} ${c.dim(`${s.requirementCount} ${s.requirementCount === 1 ? 'requirement' : 'requirements'}`)}`)
    }
  }
  lines.push(`\n${'═'.repeat(60)}`)
  lines.push(c.dim(`\nUse ${c.white('openspec list --changes')} or ${c.white('openspec list --specs')} for detailed views`))
  return lines
}

function progressBar(progress: TaskProgress, c: ReturnType<typeof painter>, width = 20): string {
  if (progress.total === 0) return c.dim('─'.repeat(width))
  const filled = Math.round((progress.completed / progress.total) * width)
  return `[${c.green('█'.repeat(filled))}${c.dim('░'.repeat(width - filled))}]`
}
