#!/usr/bin/env node
// Generates a psp workspace of realistic documents for the benchmarks: projects, milestones and
// tasks laid out the way psp's store lays them out, with the fields, statuses, tags, due dates,
// estimates and dependency graphs real teams produce, and 1–3 KB Markdown bodies. The same seed
// always gives the same bytes, so two runs (or two machines) measure the same corpus.
//
// Usage: npm run bench:generate -- --tasks <N> --out <dir> [--seed <s>] [--projects <n>]
//          [--today <YYYY-MM-DD>] [--no-commit]
// bench/run.mjs imports generateWorkspace() from here.
import {Buffer} from 'node:buffer'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {initWorkspace, slugify} from '@psp/core'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PSP_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version

/** A fixed "today" by default: due dates (past or future) must not change with the calendar. */
export const DEFAULT_TODAY = '2026-12-01'
export const DEFAULT_SEED = 'psp-bench'
/** One project per this many tasks, like a team that splits work into projects of a few hundred tasks. */
export const TASKS_PER_PROJECT = 500

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** A seeded generator (xorshift32 over an FNV-1a hash of the seed): fast, and the same everywhere. */
export function makeRandom(seed) {
  let state = 0x811c9dc5
  for (const ch of String(seed)) state = Math.imul(state ^ ch.codePointAt(0), 0x01000193)
  state = state >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
  const int = (n) => Math.floor(next() * n)
  return {
    next,
    int,
    /** An integer in [lo, hi]. */
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: (list) => list[int(list.length)],
    /** `list` is [[value, weight], …]. */
    weighted(list) {
      const total = list.reduce((sum, [, w]) => sum + w, 0)
      let r = next() * total
      for (const [value, w] of list) if ((r -= w) < 0) return value
      return list[list.length - 1][0]
    },
    /** `k` distinct items of `list`. */
    sample(list, k) {
      const out = new Set()
      while (out.size < Math.min(k, list.length)) out.add(list[int(list.length)])
      return [...out]
    },
  }
}

// psp's ids: `<prefix>-` + 10 characters of Crockford base32 (packages/core/src/ids.ts).
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

function idMaker(rng) {
  const taken = new Set()
  return (prefix) => {
    for (;;) {
      let part = ''
      for (let i = 0; i < 10; i++) part += ID_ALPHABET[rng.int(32)]
      const id = `${prefix}-${part}`
      if (!taken.has(id)) {
        taken.add(id)
        return id
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const STATUSES = [['todo', 33], ['in-progress', 12], ['review', 7], ['done', 48]]
const PRIORITIES = [['low', 22], ['medium', 46], ['high', 24], ['critical', 8]]
const PROJECT_STATUSES = [['active', 65], ['planned', 15], ['on-hold', 6], ['done', 10], ['cancelled', 4]]
const ESTIMATES = [0.5, 1, 1, 2, 2, 3, 4, 4, 6, 8, 8, 12, 16, 24, 40]

export const TAGS = [
  'backend', 'frontend', 'ui', 'api', 'docs', 'infra', 'security', 'perf', 'bug', 'feature', 'chore',
  'research', 'design', 'data', 'mobile', 'billing', 'search', 'auth', 'ci', 'release', 'ux', 'i18n',
  'a11y', 'tech-debt', 'customer', 'ops', 'analytics', 'seo', 'content', 'legal', 'onboarding',
  'payments', 'email', 'reporting', 'migration', 'testing', 'monitoring', 'storage', 'sync', 'admin',
]

const PEOPLE = [
  'ana', 'ben', 'chen', 'dana', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lee', 'mia',
  'noor', 'omar', 'priya', 'quinn', 'rosa', 'sam', 'tariq', 'uma', 'vik', 'wen', 'xavi', 'yara', 'zoe',
  'amelie', 'bruno', 'carla', 'dmitri', 'emeka', 'freya', 'giulia', 'hugo', 'ines', 'jonas',
]

const VERBS = [
  'Add', 'Fix', 'Refactor', 'Document', 'Review', 'Migrate', 'Design', 'Test', 'Speed up', 'Remove',
  'Replace', 'Investigate', 'Automate', 'Clean up', 'Translate', 'Ship', 'Measure', 'Split', 'Rename',
  'Draft', 'Prototype', 'Harden', 'Simplify', 'Audit', 'Cache', 'Validate', 'Monitor', 'Archive',
]

const OBJECTS = [
  'the billing export', 'the login page', 'the search index', 'the CSV import', 'the onboarding email',
  'the release checklist', 'API rate limits', 'dark mode', 'the audit log', 'the sitemap',
  'password reset', 'the invoice PDF', 'webhook retries', 'the settings screen', 'two-factor login',
  'the nightly backup', 'image uploads', 'the pricing page', 'error messages', 'the public API docs',
  'session timeouts', 'the admin dashboard', 'push notifications', 'the data retention policy',
  'the deploy pipeline', 'feature flags', 'the mobile menu', 'the checkout flow', 'customer tags',
  'the weekly report', 'SSO with the identity provider', 'database indexes', 'the cookie banner',
  'the help centre articles', 'load tests', 'the changelog', 'translations', 'the status page',
]

const QUALIFIERS = [
  '', '', '', '', '', ' for mobile', ' in the admin area', ' before the launch', ' (phase 2)',
  ': follow-up', ' for enterprise customers', ' on staging', ' behind a feature flag', ' v2',
  ' after the migration', ' for screen readers',
]

const PROJECT_AREAS = [
  'Website', 'Mobile app', 'Billing platform', 'Checkout', 'Customer portal', 'Data warehouse',
  'Search', 'Identity', 'Support tooling', 'Partner API', 'Marketing site', 'Internal tools',
  'Reporting', 'Notifications', 'Infrastructure', 'Onboarding',
]
const PROJECT_KINDS = ['relaunch', 'redesign', 'migration', 'v3', 'hardening', 'rollout', 'cleanup', 'expansion']
const MILESTONE_NAMES = [
  'Discovery', 'Design sign-off', 'Alpha', 'Beta', 'Content freeze', 'Feature complete', 'Launch',
  'Hardening', 'Go-live', 'Retrospective',
]

const HEADINGS = [
  'Context', 'Goal', 'Approach', 'Acceptance criteria', 'Notes', 'Open questions', 'Risks', 'Steps',
  'Links', 'Out of scope', 'Background', 'Testing', 'Rollout', 'Decisions',
]

const WORDS = (
  'the a an we our users team customer page service request response data job queue cache index ' +
  'server client release build deploy test review change feature bug error timeout retry limit ' +
  'config setting flag account invoice payment email report export import schema field record file ' +
  'folder branch commit merge conflict sync backup restore log metric alert dashboard latency ' +
  'throughput memory disk network browser mobile screen button form table column row filter sort ' +
  'search result query token session login password permission role admin owner draft copy design ' +
  'layout style font colour icon image upload download link redirect sitemap content translation ' +
  'should must could would will can needs after before while when because so then also only still ' +
  'again first next last every each some most fewer more less faster slower safer simpler clearer ' +
  'today tomorrow weekly nightly later soon already never always usually sometimes quickly carefully ' +
  'is are was were be been has have had does do did make makes made keep keeps move moves check ' +
  'checks add adds remove removes fix fixes update updates write writes read reads run runs ' +
  'in on at to from with without into over under between across for of by about per via ' +
  'naïve café façade Zürich déjà-vu rollout follow-up trade-off edge-case hand-off sign-off'
).split(/\s+/)

const CODE_SNIPPETS = [
  ['sh', (w) => [`npm run build`, `psp task list --where 'tags has ${w[0]}'`, `git log --oneline -- data/`]],
  ['ts', (w) => [`export function ${w[0]}${cap(w[1])}(input: string): boolean {`, `  return input.includes('${w[2]}')`, '}']],
  ['yaml', (w) => [`${w[0]}:`, `  enabled: true`, `  retries: 3`, `  owner: ${w[1]}`]],
  ['json', (w) => [`{"${w[0]}": "${w[1]}", "limit": 100, "strict": true}`]],
  ['sql', (w) => [`select id, ${w[0]} from ${w[1]}s`, `where ${w[2]} is not null`, 'order by id;']],
]
/** Words that are safe as identifiers in the code snippets. */
const PLAIN_WORDS = WORDS.filter((w) => /^[a-z]+$/.test(w))

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1)

// ---------------------------------------------------------------------------------------------
// Text

function sentence(rng, links) {
  const n = rng.between(6, 16)
  const words = []
  for (let i = 0; i < n; i++) {
    let word = rng.pick(WORDS)
    const style = rng.next()
    if (style < 0.03) word = `\`${word}\``
    else if (style < 0.05) word = `**${word}**`
    else if (style < 0.06) word = `[${word}](https://example.com/${word}/${rng.int(1000)})`
    else if (style < 0.065 && links.length > 0) word = `[[${rng.pick(links)}]]`
    words.push(word)
  }
  return `${cap(words.join(' '))}.`
}

function paragraph(rng, links, sentences = rng.between(2, 5)) {
  const out = []
  for (let i = 0; i < sentences; i++) out.push(sentence(rng, links))
  return out.join(' ')
}

function listBlock(rng, links, checklist) {
  const items = []
  for (let i = rng.between(3, 7); i > 0; i--) {
    const box = checklist ? (rng.chance(0.4) ? '[x] ' : '[ ] ') : ''
    items.push(`- ${box}${sentence(rng, links)}`)
  }
  return items.join('\n')
}

function codeBlock(rng) {
  const [lang, lines] = rng.pick(CODE_SNIPPETS)
  return `\`\`\`${lang}\n${lines(rng.sample(PLAIN_WORDS, 3)).join('\n')}\n\`\`\``
}

function quoteBlock(rng, links) {
  return `> ${sentence(rng, links)} ${sentence(rng, links)}\n> — ${rng.pick(PEOPLE)}`
}

function linksBlock(rng, links) {
  const items = [`- [Design notes](https://example.com/design/${rng.int(10_000)})`]
  if (rng.chance(0.5)) items.push(`- [Ticket in the old tracker](https://tracker.example.com/issue/${rng.between(100, 99_999)})`)
  for (const id of rng.sample(links, rng.int(3))) items.push(`- Related: [[${id}]]`)
  return items.join('\n')
}

function section(rng, links) {
  const heading = `## ${rng.pick(HEADINGS)}`
  const kind = rng.weighted([['para', 40], ['check', 18], ['list', 12], ['code', 12], ['quote', 6], ['links', 12]])
  const block =
    kind === 'check' ? listBlock(rng, links, true)
      : kind === 'list' ? listBlock(rng, links, false)
        : kind === 'code' ? `${paragraph(rng, links, 1)}\n\n${codeBlock(rng)}`
          : kind === 'quote' ? quoteBlock(rng, links)
            : kind === 'links' ? linksBlock(rng, links)
              : paragraph(rng, links)
  return `${heading}\n\n${block}\n`
}

const bytes = (s) => Buffer.byteLength(s, 'utf8')

/** Plain words cut to at most `budget` bytes, ending in a full stop. */
function filler(rng, budget) {
  let text = ''
  for (;;) {
    const word = rng.pick(WORDS)
    const next = text === '' ? cap(word) : `${text} ${word}`
    if (bytes(next) + 2 > budget) return text === '' ? '' : `${text}.\n`
    text = next
  }
}

/** A Markdown body of `min`–`max` bytes: a summary, then sections, topped up with a last paragraph. */
export function markdownBody(rng, links, min = 1024, max = 3072) {
  const target = rng.between(min + 80, max - 80)
  const parts = [`${paragraph(rng, links)}\n`]
  let size = bytes(parts[0])
  for (;;) {
    const next = section(rng, links)
    const cost = bytes(next) + 1
    if (size + cost > target) break
    parts.push(next)
    size += cost
  }
  const rest = filler(rng, target - size - 1)
  if (rest !== '') parts.push(rest)
  return parts.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Documents

/** A YAML scalar as a person would type it: plain when YAML reads it back as the same string. */
function scalar(value) {
  if (typeof value !== 'string') return String(value)
  // psp reads YAML with the core schema, so a plain date stays a string, as people write it.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const plain = /^[A-Za-z][A-Za-z0-9 ,.'()/-]*$/.test(value) && !/^(true|false|yes|no|on|off|null)$/i.test(value)
  return plain ? value : JSON.stringify(value)
}

/**
 * Frontmatter in the shapes people write: flow lists mostly, sometimes a block list, now and
 * then a comment. `fields` is [key, value] pairs in order; undefined values are left out.
 */
function frontmatter(rng, fields) {
  const lines = ['---']
  for (const [key, value] of fields) {
    if (value === undefined) continue
    if (Array.isArray(value)) {
      if (value.length === 0) continue
      if (rng.chance(0.15)) lines.push(`${key}:`, ...value.map((v) => `  - ${scalar(v)}`))
      else lines.push(`${key}: [${value.map(scalar).join(', ')}]`)
    } else {
      if (key === 'estimate' && rng.chance(0.05)) lines.push('# in hours, a rough guess')
      lines.push(`${key}: ${scalar(value)}`)
    }
  }
  lines.push('---', '')
  return lines.join('\n')
}

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function taskTitle(rng) {
  return `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}${rng.pick(QUALIFIERS)}`
}

function makeProject(rng, newId, today) {
  const id = newId('proj')
  const title = `${rng.pick(PROJECT_AREAS)} ${rng.pick(PROJECT_KINDS)}`
  const start = addDays(today, -rng.between(30, 400))
  const data = [
    ['id', id], ['type', 'project'], ['title', title], ['status', rng.weighted(PROJECT_STATUSES)],
    ['owner', rng.pick(PEOPLE)], ['start', start], ['due', addDays(start, rng.between(90, 540))],
    ['tags', rng.sample(TAGS, rng.between(1, 3))],
  ]
  const dir = `data/projects/${id}-${slugify(title)}`
  return {id, dir, path: `${dir}/project.md`, text: `${frontmatter(rng, data)}\n${paragraph(rng, [])}\n\n${paragraph(rng, [])}\n`}
}

function makeMilestones(rng, newId, project, today) {
  const out = []
  const names = rng.sample(MILESTONE_NAMES, rng.between(3, 6))
  let due = addDays(today, -rng.between(60, 200))
  for (const name of names) {
    due = addDays(due, rng.between(14, 75))
    const id = newId('ms')
    const data = [
      ['id', id], ['type', 'milestone'], ['title', name], ['project', project.id],
      ['status', due < today ? rng.weighted([['done', 8], ['open', 2]]) : 'open'], ['due', due],
    ]
    const rel = `${project.dir}/milestones/${id}-${slugify(name)}.md`
    out.push({id, path: rel, text: `${frontmatter(rng, data)}\n${paragraph(rng, [])}\n`})
  }
  return out
}

/** Earlier tasks of the same project, 0–3 of them, from the recent ones (work builds on recent work). */
function dependencies(rng, earlier) {
  const count = rng.weighted([[0, 50], [1, 25], [2, 15], [3, 10]])
  if (count === 0 || earlier.length === 0) return []
  return rng.sample(earlier.slice(-40), count)
}

function makeTask(rng, newId, project, milestones, earlier, today) {
  const id = newId('task')
  const title = taskTitle(rng)
  const data = [
    ['id', id], ['type', 'task'], ['title', title], ['status', rng.weighted(STATUSES)],
    ['priority', rng.chance(0.93) ? rng.weighted(PRIORITIES) : undefined],
    ['project', project.id],
    ['milestone', rng.chance(0.6) ? rng.pick(milestones).id : undefined],
    ['assignee', rng.chance(0.85) ? rng.pick(PEOPLE) : undefined],
    ['due', rng.chance(0.6) ? addDays(today, rng.between(-120, 180)) : undefined],
    ['estimate', rng.chance(0.7) ? rng.pick(ESTIMATES) : undefined],
    ['depends_on', dependencies(rng, earlier)],
    ['tags', rng.sample(TAGS, rng.weighted([[0, 15], [1, 35], [2, 30], [3, 15], [4, 5]]))],
  ]
  const body = markdownBody(rng, earlier.length > 0 ? earlier.slice(-20) : [])
  const slug = slugify(title)
  const rel = `${project.dir}/tasks/${slug === '' ? id : `${id}-${slug}`}.md`
  return {id, path: rel, text: `${frontmatter(rng, data)}\n${body}`}
}

// ---------------------------------------------------------------------------------------------
// The workspace

function writeDoc(root, doc) {
  fs.writeFileSync(path.join(root, ...doc.path.split('/')), doc.text)
  return bytes(doc.text)
}

function assertEmptyTarget(out) {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new Error(`${out} is not empty: the generator only writes into a new or empty folder`)
  }
}

/** True when a git binary runs here. */
export function hasGitCli() {
  return spawnSync('git', ['--version'], {encoding: 'utf8'}).status === 0
}

/** One commit of everything, by a fixed author at a fixed time, so the same seed gives the same commit. */
function commitAll(root) {
  const when = '2026-01-01T12:00:00Z'
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'psp bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_AUTHOR_DATE: when,
    GIT_COMMITTER_NAME: 'psp bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_COMMITTER_DATE: when,
  }
  const git = (...args) => {
    const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr || r.error?.message}`)
  }
  git('add', '-A')
  git('commit', '-q', '--no-verify', '-m', 'Generated benchmark workspace')
}

/**
 * Writes a workspace of `tasks` tasks into `out` (a new or empty folder): `psp init`'s layout,
 * then the projects, milestones and tasks, then (when asked and git is installed) one commit.
 * Returns what was written, for the benchmark to pick ids and paths from.
 */
export async function generateWorkspace({tasks, out, seed = DEFAULT_SEED, projects, today = DEFAULT_TODAY, commit = true}) {
  if (!Number.isInteger(tasks) || tasks < 0) throw new Error('--tasks must be a whole number ≥ 0')
  const projectCount = projects ?? Math.max(1, Math.round(tasks / TASKS_PER_PROJECT))
  if (!Number.isInteger(projectCount) || projectCount < 1) throw new Error('--projects must be a whole number ≥ 1')
  const started = process.hrtime.bigint()
  const root = path.resolve(out)
  assertEmptyTarget(root)
  await initWorkspace(root, {name: 'bench', pspVersion: PSP_VERSION})

  const rng = makeRandom(seed)
  const newId = idMaker(rng)
  let totalBytes = 0
  const projectList = []
  for (let p = 0; p < projectCount; p++) {
    const project = makeProject(rng, newId, today)
    fs.mkdirSync(path.join(root, project.dir, 'tasks'), {recursive: true})
    fs.mkdirSync(path.join(root, project.dir, 'milestones'))
    totalBytes += writeDoc(root, project)
    project.milestones = makeMilestones(rng, newId, project, today)
    for (const ms of project.milestones) totalBytes += writeDoc(root, ms)
    project.taskIds = []
    projectList.push(project)
  }
  // Uneven project sizes, as in real workspaces: each task lands in a project by weight.
  const weights = projectList.map((p) => [p, 0.4 + rng.next() * 1.6])
  const taskList = []
  for (let i = 0; i < tasks; i++) {
    const project = rng.weighted(weights)
    const task = makeTask(rng, newId, project, project.milestones, project.taskIds, today)
    totalBytes += writeDoc(root, task)
    project.taskIds.push(task.id)
    taskList.push({id: task.id, path: task.path, project: project.id})
  }
  const committed = commit && hasGitCli()
  if (committed) commitAll(root)
  return {
    root,
    tasks: taskList,
    projects: projectList.map((p) => ({id: p.id, path: p.path})),
    milestones: projectList.reduce((n, p) => n + p.milestones.length, 0),
    bytes: totalBytes,
    committed,
    ms: Number(process.hrtime.bigint() - started) / 1e6,
  }
}

// ---------------------------------------------------------------------------------------------
// Command line

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`

function positiveInt(text, name) {
  const n = Number(text)
  if (!/^\d+$/.test(String(text)) || !Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number, not "${text}"`)
  return n
}

async function main(argv) {
  const {values} = parseArgs({
    args: argv,
    options: {
      tasks: {type: 'string'},
      out: {type: 'string'},
      seed: {type: 'string', default: DEFAULT_SEED},
      projects: {type: 'string'},
      today: {type: 'string', default: DEFAULT_TODAY},
      'no-commit': {type: 'boolean', default: false},
    },
  })
  if (values.tasks === undefined || values.out === undefined) {
    throw new Error('usage: npm run bench:generate -- --tasks <N> --out <dir> [--seed <s>] [--projects <n>] [--today <YYYY-MM-DD>] [--no-commit]')
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error(`--today must be YYYY-MM-DD, not "${values.today}"`)
  const result = await generateWorkspace({
    tasks: positiveInt(values.tasks, 'tasks'),
    out: values.out,
    seed: values.seed,
    projects: values.projects === undefined ? undefined : positiveInt(values.projects, 'projects'),
    today: values.today,
    commit: !values['no-commit'],
  })
  const mib = (result.bytes / 1024 / 1024).toFixed(1)
  process.stdout.write(
    `${result.root}: ${plural(result.tasks.length, 'task')}, ${plural(result.projects.length, 'project')}, ${plural(result.milestones, 'milestone')}, ` +
      `${mib} MiB, ${result.committed ? 'committed' : 'not committed'}, ${(result.ms / 1000).toFixed(1)} s\n`,
  )
}

const invokedDirectly = process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`Error: ${error.message}\n`)
    process.exitCode = 1
  })
}
