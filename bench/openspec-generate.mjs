#!/usr/bin/env node
// Generates an OpenSpec tree for the benchmarks: `openspec/specs/` with many capabilities (some at
// nested paths), each a main spec of several requirements with one to three scenarios, and
// `openspec/changes/` with changes that mix every delta operation (ADDED, MODIFIED, REMOVED,
// RENAMED, a new capability now and then), a proposal, a tasks.md part done, and sometimes an
// .openspec.yaml. Everything is valid for `openspec validate --all` (the bench counts a failing
// run as an error), and the same seed always gives the same bytes.
//
// Usage: node bench/openspec-generate.mjs --out <dir> [--specs 300] [--requirements 10]
//          [--changes 100] [--seed <s>]
// bench/openspec-bench.mjs imports generateOpenspecTree() from here.
import {Buffer} from 'node:buffer'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {DEFAULT_SEED, makeRandom} from './generate.mjs'

export const OPENSPEC_DEFAULTS = {specs: 300, requirements: 10, changes: 100}
/** The `created:` date of the generated .openspec.yaml files: fixed, so the bytes never move. */
const CREATED = '2026-11-02'

// ---------------------------------------------------------------------------------------------
// Vocabulary

const AREAS = [
  'accounts', 'billing', 'catalog', 'checkout', 'search', 'notifications', 'reporting', 'storage',
  'identity', 'support', 'partners', 'analytics', 'content', 'shipping', 'inventory', 'pricing',
  'compliance', 'onboarding', 'messaging', 'scheduling',
]
const SUBJECTS = [
  'profiles', 'sessions', 'invoices', 'refunds', 'exports', 'imports', 'webhooks', 'audit-log',
  'permissions', 'quotas', 'receipts', 'labels', 'reminders', 'digests', 'uploads', 'previews',
  'comments', 'tags', 'filters', 'dashboards', 'alerts', 'retention', 'backups', 'translations',
  'discounts', 'returns', 'ratings', 'queues', 'templates', 'schedules',
]
const VERBS = [
  'Record', 'Validate', 'Export', 'Archive', 'Notify about', 'Cache', 'Rank', 'Retry', 'Expire',
  'Encrypt', 'Summarise', 'Paginate', 'Throttle', 'Translate', 'Merge', 'Split', 'Preview', 'Sign',
  'Deduplicate', 'Reconcile', 'Schedule', 'Redact', 'Batch', 'Audit',
]
const OBJECTS = [
  'failed payments', 'expired sessions', 'large uploads', 'duplicate records', 'stale caches',
  'overdue invoices', 'new sign-ups', 'bulk imports', 'partner callbacks', 'weekly digests',
  'price changes', 'deleted accounts', 'shipping labels', 'support tickets', 'search queries',
  'stock levels', 'audit entries', 'access tokens', 'draft documents', 'customer notes',
  'tax rates', 'delivery slots', 'return requests', 'usage quotas',
]
const CONDITIONS = [
  'a request arrives', 'the nightly job runs', 'an administrator asks for it', 'a limit is reached',
  'a customer changes their settings', 'a partner sends a callback', 'the queue backs up',
  'a record is older than ninety days', 'a payment fails', 'a user signs in from a new device',
  'the import finishes', 'a price is changed', 'an order is shipped', 'the month closes',
]
const OUTCOMES = [
  'the result is stored', 'an entry is written to the audit log', 'the user is told by e-mail',
  'the request is refused with a clear message', 'the job is retried once', 'a metric is updated',
  'the record is marked stale', 'the dashboard shows the new value', 'a webhook is sent',
  'the change is visible to every member of the team', 'nothing else changes',
]
const DETAILS = [
  'within five seconds', 'for every tenant', 'without blocking the caller', 'in the user\'s language',
  'at most once per hour', 'in the order they arrived', 'even when the partner is offline',
  'and keeps the previous value for a day',
]

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1)

// ---------------------------------------------------------------------------------------------
// The model: capabilities with requirements, kept in memory so changes can refer to them

function makeCapabilities(rng, count) {
  const ids = new Set()
  const out = []
  while (out.length < count) {
    const area = rng.pick(AREAS)
    const subject = rng.pick(SUBJECTS)
    // About one capability in six sits at a nested path (openspec/specs/<area>/<subject>/spec.md).
    let id = rng.chance(0.16) ? `${area}/${subject}` : `${area}-${subject}`
    for (let n = 2; ids.has(id); n++) id = `${area}-${subject}-${n}`
    ids.add(id)
    out.push({id, purpose: purposeFor(rng, id), requirements: []})
  }
  return out
}

function purposeFor(rng, id) {
  return `Describe how the ${id.replace(/[/-]/g, ' ')} capability behaves: ${rng.pick(OBJECTS)} are handled ${rng.pick(DETAILS)}, and ${rng.pick(OUTCOMES)} when ${rng.pick(CONDITIONS)}.`
}

/** A requirement name not yet used in `taken` (names are unique within a spec). */
function requirementName(rng, taken) {
  for (;;) {
    const name = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`
    const unique = taken.has(name) ? `${name} (${rng.between(2, 99)})` : name
    if (!taken.has(unique)) {
      taken.add(unique)
      return unique
    }
  }
}

function makeScenario(rng, name) {
  return {
    name,
    when: `${rng.pick(CONDITIONS)}`,
    then: `${rng.pick(OUTCOMES)}`,
    and: rng.chance(0.3) ? `${rng.pick(OUTCOMES)} ${rng.pick(DETAILS)}` : undefined,
  }
}

function makeRequirement(rng, taken) {
  const name = requirementName(rng, taken)
  const keyword = rng.chance(0.8) ? 'SHALL' : 'MUST'
  const lower = `${name.charAt(0).toLowerCase()}${name.slice(1)}`
  // A few requirements lack the keyword, as real specs do: a warning, never a failure.
  const text = rng.chance(0.03)
    ? `The system will ${lower} when ${rng.pick(CONDITIONS)}.`
    : `The system ${keyword} ${lower} when ${rng.pick(CONDITIONS)}, ${rng.pick(DETAILS)}.` + (rng.chance(0.4) ? ` It ${keyword} also make sure that ${rng.pick(OUTCOMES)}.` : '')
  const scenarioNames = new Set()
  const scenarios = []
  for (let i = rng.between(1, 3); i > 0; i--) {
    let scenario = cap(rng.pick(CONDITIONS))
    while (scenarioNames.has(scenario)) scenario = `${cap(rng.pick(CONDITIONS))} again`
    scenarioNames.add(scenario)
    scenarios.push(makeScenario(rng, scenario))
  }
  return {name, text, scenarios}
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderRequirement(req) {
  const lines = [`### Requirement: ${req.name}`, req.text, '']
  for (const s of req.scenarios) {
    lines.push(`#### Scenario: ${s.name}`, `- **WHEN** ${s.when}`, `- **THEN** ${s.then}`)
    if (s.and) lines.push(`- **AND** ${s.and}`)
    lines.push('')
  }
  return lines
}

function renderSpec(capability) {
  const lines = [`# ${capability.id} Specification`, '', '## Purpose', capability.purpose, '', '## Requirements']
  for (const req of capability.requirements) lines.push(...renderRequirement(req))
  return `${lines.join('\n').trimEnd()}\n`
}

function renderDelta(delta) {
  const lines = []
  if (delta.added.length > 0) {
    lines.push('## ADDED Requirements')
    for (const req of delta.added) lines.push(...renderRequirement(req))
  }
  if (delta.modified.length > 0) {
    lines.push('## MODIFIED Requirements')
    for (const req of delta.modified) lines.push(...renderRequirement(req))
  }
  if (delta.removed.length > 0) {
    lines.push('## REMOVED Requirements')
    for (const name of delta.removed) lines.push(`### Requirement: ${name}`, '**Reason**: No longer needed.', '')
  }
  if (delta.renamed.length > 0) {
    lines.push('## RENAMED Requirements')
    for (const {from, to} of delta.renamed) lines.push(`- FROM: \`### Requirement: ${from}\``, `- TO: \`### Requirement: ${to}\``)
    lines.push('')
  }
  return `${lines.join('\n').trimEnd()}\n`
}

// ---------------------------------------------------------------------------------------------
// Changes

function changeName(rng, taken, index) {
  const verb = rng.pick(['add', 'update', 'rework', 'retire', 'speed-up', 'harden', 'simplify', 'extend'])
  const object = rng.pick(OBJECTS).replace(/\s+/g, '-')
  const name = `${verb}-${object}-${String(index + 1).padStart(3, '0')}`
  taken.add(name)
  return name
}

/** One capability's delta in a change: every operation names requirements of the current spec. */
function makeDelta(rng, capability) {
  const existing = capability.requirements
  const touched = new Set()
  const pickUntouched = () => {
    const free = existing.filter((r) => !touched.has(r.name))
    if (free.length === 0) return undefined
    const req = rng.pick(free)
    touched.add(req.name)
    return req
  }
  const names = new Set(existing.map((r) => r.name))
  const delta = {id: capability.id, added: [], modified: [], removed: [], renamed: []}
  const ops = rng.weighted([[['added'], 30], [['modified'], 25], [['added', 'modified'], 20], [['removed', 'added'], 10], [['renamed'], 8], [['added', 'modified', 'removed', 'renamed'], 7]])
  for (const op of ops) {
    if (op === 'added') {
      for (let i = rng.between(1, 3); i > 0; i--) delta.added.push(makeRequirement(rng, names))
    } else if (op === 'modified') {
      for (let i = rng.between(1, 2); i > 0; i--) {
        const req = pickUntouched()
        if (!req) break
        // A MODIFIED block keeps every scenario the spec has (or validate reports the loss) and may add one.
        const scenarios = req.scenarios.map((s) => ({...s, then: rng.chance(0.5) ? `${s.then} ${rng.pick(DETAILS)}` : s.then}))
        if (rng.chance(0.4)) scenarios.push(makeScenario(rng, `${cap(rng.pick(CONDITIONS))} twice`))
        delta.modified.push({name: req.name, text: `${req.text} The system SHALL do so ${rng.pick(DETAILS)}.`, scenarios})
      }
    } else if (op === 'removed') {
      // Never the last requirement: that would retire the capability.
      if (existing.length - touched.size > 2) delta.removed.push(pickUntouched().name)
    } else if (op === 'renamed') {
      const req = pickUntouched()
      if (req) delta.renamed.push({from: req.name, to: requirementName(rng, names)})
    }
  }
  if (delta.added.length + delta.modified.length + delta.removed.length + delta.renamed.length === 0) delta.added.push(makeRequirement(rng, names))
  return delta
}

function renderProposal(rng, name, deltas) {
  const lines = [
    `# ${cap(name.replace(/-\d+$/, '').replace(/-/g, ' '))}`,
    '',
    '## Why',
    `Teams keep asking for this: ${rng.pick(OBJECTS)} are handled by hand today, which is slow and error-prone when ${rng.pick(CONDITIONS)}.`,
    '',
    '## What Changes',
  ]
  for (const d of deltas) {
    const what = [d.added.length > 0 ? 'adds requirements' : '', d.modified.length > 0 ? 'modifies requirements' : '', d.removed.length > 0 ? 'removes a requirement' : '', d.renamed.length > 0 ? 'renames a requirement' : '']
    lines.push(`- **${d.id}:** ${cap(what.filter(Boolean).join(', '))}`)
  }
  return `${lines.join('\n')}\n`
}

function renderTasks(rng) {
  const lines = []
  const done = rng.weighted([[0, 25], [0.5, 45], [1, 30]])
  for (let group = 1; group <= rng.between(1, 3); group++) {
    lines.push(`## ${group}. ${rng.pick(['Implementation', 'Tests', 'Docs', 'Rollout', 'Migration'])}`)
    for (let task = 1; task <= rng.between(2, 5); task++) {
      const checked = done === 1 || (done > 0 && rng.chance(done))
      lines.push(`- [${checked ? 'x' : ' '}] ${group}.${task} ${rng.pick(VERBS)} ${rng.pick(OBJECTS)}`)
    }
    lines.push('')
  }
  return `${lines.join('\n').trimEnd()}\n`
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes the tree under `out` (which must not exist or be empty) and returns what it holds:
 * {root, specs, requirements, scenarios, changes, files, bytes, ms}.
 */
export function generateOpenspecTree({out, seed = DEFAULT_SEED, specs = OPENSPEC_DEFAULTS.specs, requirements = OPENSPEC_DEFAULTS.requirements, changes = OPENSPEC_DEFAULTS.changes}) {
  const started = Date.now()
  const rng = makeRandom(`openspec:${seed}`)
  const root = path.resolve(out)
  let files = 0
  let bytes = 0
  const write = (rel, text) => {
    const file = path.join(root, ...rel.split('/'))
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, text)
    files++
    bytes += Buffer.byteLength(text)
  }
  write('openspec/config.yaml', 'schema: spec-driven\n')

  const capabilities = makeCapabilities(rng, specs)
  let scenarios = 0
  for (const capability of capabilities) {
    const taken = new Set()
    for (let i = 0; i < requirements; i++) capability.requirements.push(makeRequirement(rng, taken))
    scenarios += capability.requirements.reduce((n, r) => n + r.scenarios.length, 0)
    write(`openspec/specs/${capability.id}/spec.md`, renderSpec(capability))
  }

  const changeNames = new Set()
  const newCapabilities = new Set(capabilities.map((c) => c.id))
  for (let i = 0; i < changes; i++) {
    const name = changeName(rng, changeNames, i)
    const deltas = []
    const targets = rng.sample(capabilities, rng.weighted([[1, 60], [2, 30], [3, 10]]))
    for (const capability of targets) deltas.push(makeDelta(rng, capability))
    // About one change in twelve also brings in a capability of its own.
    if (rng.chance(0.08)) {
      let id = `${rng.pick(AREAS)}-${rng.pick(SUBJECTS)}-new`
      for (let n = 2; newCapabilities.has(id); n++) id = `${rng.pick(AREAS)}-${rng.pick(SUBJECTS)}-new-${n}`
      newCapabilities.add(id)
      const taken = new Set()
      deltas.push({id, added: [makeRequirement(rng, taken), makeRequirement(rng, taken)], modified: [], removed: [], renamed: []})
    }
    write(`openspec/changes/${name}/proposal.md`, renderProposal(rng, name, deltas))
    for (const delta of deltas) write(`openspec/changes/${name}/specs/${delta.id}/spec.md`, renderDelta(delta))
    if (rng.chance(0.85)) write(`openspec/changes/${name}/tasks.md`, renderTasks(rng))
    if (rng.chance(0.5)) write(`openspec/changes/${name}/.openspec.yaml`, `schema: spec-driven\ncreated: ${CREATED}\n`)
    if (rng.chance(0.3)) write(`openspec/changes/${name}/design.md`, `# Design\n\n${cap(rng.pick(OBJECTS))} move to a queue; ${rng.pick(OUTCOMES)}.\n`)
  }
  fs.mkdirSync(path.join(root, 'openspec', 'changes', 'archive'), {recursive: true})
  return {root, specs, requirements: specs * requirements, scenarios, changes, files, bytes, ms: Date.now() - started}
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({
    options: {
      out: {type: 'string'},
      specs: {type: 'string', default: String(OPENSPEC_DEFAULTS.specs)},
      requirements: {type: 'string', default: String(OPENSPEC_DEFAULTS.requirements)},
      changes: {type: 'string', default: String(OPENSPEC_DEFAULTS.changes)},
      seed: {type: 'string', default: DEFAULT_SEED},
    },
  })
  const whole = (name) => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`Error: --${name} must be a whole number ≥ 1, not "${values[name]}"\n`)
      process.exit(2)
    }
    return n
  }
  if (!values.out) {
    process.stderr.write('Error: --out <dir> is required\n')
    process.exit(2)
  }
  if (fs.existsSync(values.out) && fs.readdirSync(values.out).length > 0) {
    process.stderr.write(`Error: ${values.out} is not empty\n`)
    process.exit(2)
  }
  const tree = generateOpenspecTree({out: values.out, seed: values.seed, specs: whole('specs'), requirements: whole('requirements'), changes: whole('changes')})
  process.stdout.write(`${tree.root}: ${tree.specs} specs (${tree.requirements} requirements, ${tree.scenarios} scenarios), ${tree.changes} changes, ${tree.files} files, ${(tree.bytes / 1048576).toFixed(1)} MiB in ${tree.ms} ms\n`)
}
