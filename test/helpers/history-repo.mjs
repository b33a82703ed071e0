// Builds a psp workspace whose git history has many commits over many documents, quickly: the
// whole history is written as one `git fast-import` stream (no working tree, no index, one pack),
// then checked out once. 10,000 commits over 5,000 documents take a few seconds this way, where
// one `git commit` per change would take minutes. Deterministic for a given seed (ids, contents,
// authors and dates), so timings and results can be compared between runs.
//
// Plain JavaScript so that both the tests (vitest) and the benchmark scripts (plain node) can
// import it; its types are in history-repo.d.mts. Needs the git CLI.
import {Buffer} from 'node:buffer'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const STATUSES = ['todo', 'in-progress', 'review', 'done']
const TAGS = ['ui', 'backend', 'docs', 'infra', 'bug', 'perf']
const AUTHORS = [
  ['Ana Lima', 'ana@example.com'],
  ['Bo Chen', 'bo@example.com'],
  ['Cai Ortiz', 'cai@example.com'],
  ['Dee Park', 'dee@example.com'],
]
/** 2024-01-01T00:00:00Z: the first commit's date; each commit is about an hour after the one before. */
const START = 1_704_067_200
const DOCS_PER_PROJECT = 100

/** A small seeded PRNG (mulberry32). */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function git(args, cwd, input) {
  const result = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd,
    input,
    encoding: input === undefined ? 'utf8' : undefined,
    maxBuffer: 512 * 1024 * 1024,
  })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr?.toString() || result.error?.message}`)
  return result.stdout?.toString() ?? ''
}

function docText(doc) {
  const tags = doc.tags.length === 0 ? '[]' : `[${doc.tags.join(', ')}]`
  const body = doc.body.length === 0 ? '' : `\n${doc.body.join('\n')}\n`
  return `---\nid: ${doc.id}\ntype: task\ntitle: ${doc.title}\nstatus: ${doc.status}\npriority: ${doc.priority}\ntags: ${tags}\nproject: ${doc.project}\n---\n${body}`
}

function projectText(id, n) {
  return `---\nid: ${id}\ntype: project\ntitle: Project ${n}\nstatus: active\n---\n\nProject ${n}.\n`
}

/**
 * Writes a workspace with `commits` commits over `documents` tasks into `dir` (created if
 * needed; it must be empty) and checks out the last one. About half the commits add documents
 * (in batches), the rest change one to three of them: a status step, a tag added or removed, a
 * body line appended, now and then a move into data/archive/. With `mergeEvery`, every so many
 * commits one change is made on a side branch and merged.
 */
export function generateHistoryRepo(options) {
  const {dir, commits = 1000, documents = 500, seed = 1, mergeEvery = 0, gc = false} = options
  if (commits < 1 || documents < 1) throw new Error('commits and documents must be at least 1')
  fs.mkdirSync(dir, {recursive: true})
  const started = Date.now()
  const rand = random(seed)
  const pick = (list) => list[Math.floor(rand() * list.length)]
  git(['init', '-q', '-b', 'main'], dir)
  const chunks = []
  const write = (text) => chunks.push(Buffer.isBuffer(text) ? text : Buffer.from(text))
  const file = (p, content) => {
    const bytes = Buffer.from(content)
    write(`M 100644 inline ${p}\ndata ${bytes.length}\n`)
    write(bytes)
    write('\n')
  }
  const docs = []
  let time = START
  let mark = 0
  let mainMark = 0
  const commit = (branch, message, from, merge, body) => {
    mark++
    time += 1800 + Math.floor(rand() * 3600)
    const [name, email] = pick(AUTHORS)
    const msg = Buffer.from(`${message}\n`)
    write(`commit refs/heads/${branch}\nmark :${mark}\nauthor ${name} <${email}> ${time} +0000\ncommitter ${name} <${email}> ${time} +0000\ndata ${msg.length}\n`)
    write(msg)
    if (from !== undefined) write(`from :${from}\n`)
    if (merge !== undefined) write(`merge :${merge}\n`)
    body()
    write('\n')
    return mark
  }
  const addCommits = Math.max(1, Math.min(commits, Math.floor(commits / 2)))
  const perAdd = Math.ceil(documents / addCommits)
  const projectIds = []
  const change = (doc) => {
    const r = rand()
    if (r < 0.45 && doc.status !== 'done') doc.status = STATUSES[STATUSES.indexOf(doc.status) + 1]
    else if (r < 0.7) {
      const tag = pick(TAGS)
      doc.tags = doc.tags.includes(tag) ? doc.tags.filter((t) => t !== tag) : [...doc.tags, tag]
    } else if (r < 0.98 || doc.archived) doc.body.push(`Log line ${doc.body.length + 1}: ${Math.floor(rand() * 1e6).toString(36)}`)
    else {
      doc.archived = true
      return doc.path.replace(/^data\//, 'data/archive/')
    }
    return doc.path
  }
  const writeChange = (doc) => {
    const next = change(doc)
    if (next !== doc.path) {
      write(`D ${doc.path}\n`)
      doc.path = next
    }
    file(doc.path, docText(doc))
  }
  for (let i = 0; i < commits; i++) {
    const adding = docs.length < documents
    if (!adding && mergeEvery > 0 && i > 0 && i % mergeEvery === 0 && i + 1 < commits) {
      // A change on a side branch, then its merge: two commits.
      const doc = pick(docs)
      const before = mainMark
      const side = commit('side', `Side change to ${doc.id}`, before, undefined, () => writeChange(doc))
      mainMark = commit('main', `Merge side change to ${doc.id}`, before, side, () => file(doc.path, docText(doc)))
      i++
      continue
    }
    mainMark = commit('main', adding ? `Add tasks ${docs.length + 1}–${Math.min(documents, docs.length + perAdd)}` : 'Update tasks', mainMark === 0 ? undefined : mainMark, undefined, () => {
      if (i === 0) {
        file('config/settings.yaml', 'schemaVersion: 1\nname: history\n')
        file('.gitignore', 'data/cache/\n')
      }
      if (adding) {
        for (let k = 0; k < perAdd && docs.length < documents; k++) {
          const n = docs.length
          const p = Math.floor(n / DOCS_PER_PROJECT)
          if (projectIds[p] === undefined) {
            projectIds[p] = `proj-${String(p).padStart(6, '0')}`
            file(`data/projects/${projectIds[p]}/project.md`, projectText(projectIds[p], p))
          }
          const id = `task-${seed.toString(36)}${String(n).padStart(8, '0')}`
          const doc = {id, title: `Task ${n}`, status: 'todo', priority: pick(['low', 'medium', 'high']), tags: [pick(TAGS)], project: projectIds[p], body: [`Task ${n} of project ${p}.`], path: `data/projects/${projectIds[p]}/tasks/${id}.md`, archived: false}
          docs.push(doc)
          file(doc.path, docText(doc))
        }
      } else {
        const n = 1 + Math.floor(rand() * 3)
        const chosen = new Set()
        while (chosen.size < Math.min(n, docs.length)) chosen.add(pick(docs))
        for (const doc of chosen) writeChange(doc)
      }
    })
  }
  write('done\n')
  git(['fast-import', '--quiet', '--done'], dir, Buffer.concat(chunks))
  git(['checkout', '-q', '-f', 'main'], dir)
  if (gc) git(['gc', '-q'], dir)
  const head = git(['rev-parse', 'HEAD'], dir).trim()
  return {dir, head, commits: mark, documents: docs.map((d) => ({id: d.id, path: d.path})), seconds: (Date.now() - started) / 1000}
}

/**
 * Appends `count` commits that each change one to three documents (through the same fast-import
 * path), for measuring incremental updates. Returns the new HEAD.
 */
export function appendHistoryCommits(options) {
  const {dir, count = 10, seed = 2} = options
  const rand = random(seed)
  const files = git(['ls-files', 'data'], dir).split('\n').filter((f) => f.endsWith('.md') && !f.endsWith('project.md'))
  const chunks = []
  let time = Number(git(['log', '-1', '--format=%ct'], dir).trim())
  const parent = git(['rev-parse', 'HEAD'], dir).trim()
  for (let i = 0; i < count; i++) {
    time += 600
    const msg = Buffer.from(`Append change ${i + 1}\n`)
    chunks.push(Buffer.from(`commit refs/heads/main\nmark :${i + 1}\nauthor Eve Ng <eve@example.com> ${time} +0000\ncommitter Eve Ng <eve@example.com> ${time} +0000\ndata ${msg.length}\n`), msg)
    if (i === 0) chunks.push(Buffer.from(`from ${parent}\n`))
    const n = 1 + Math.floor(rand() * 3)
    for (let k = 0; k < n; k++) {
      const p = files[Math.floor(rand() * files.length)]
      const text = fs.readFileSync(path.join(dir, p), 'utf8') + `Appended ${i}.${k}\n`
      fs.writeFileSync(path.join(dir, p), text)
      const bytes = Buffer.from(text)
      chunks.push(Buffer.from(`M 100644 inline ${p}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n'))
    }
    chunks.push(Buffer.from('\n'))
  }
  chunks.push(Buffer.from('done\n'))
  git(['fast-import', '--quiet', '--done', '--force'], dir, Buffer.concat(chunks))
  git(['reset', '-q', '--hard'], dir)
  return git(['rev-parse', 'HEAD'], dir).trim()
}
