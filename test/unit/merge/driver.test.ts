/**
 * The merge driver on files as git leaves them: three temporary files in the folder it runs the
 * driver in. The result goes into the ours file; the return value says clean or not (the exit
 * code git reads), and files that are not git's temporary files are refused untouched.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {MERGE_CONFLICTS_FIELD, NotFoundError, runMergeDriver, splitDocument, UnsafeInputError, UsageError} from '@psp/core'
import {doc, thrown, useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

const base = doc(['id: task-1', 'type: task', 'title: Ship it', 'status: todo', 'priority: low', 'tags: [a]'], '\nFirst line.\nSecond line.\n')

/** git's three files in a new folder; returns the folder. */
function gitFiles(versions: {base: string | Buffer; ours: string | Buffer; theirs: string | Buffer}): string {
  const dir = tempDir()
  fs.writeFileSync(path.join(dir, '.merge_file_O'), versions.base)
  fs.writeFileSync(path.join(dir, '.merge_file_A'), versions.ours)
  fs.writeFileSync(path.join(dir, '.merge_file_B'), versions.theirs)
  return dir
}

const run = (cwd: string, env: Record<string, string> = {}) =>
  runMergeDriver({base: '.merge_file_O', ours: '.merge_file_A', theirs: '.merge_file_B', path: 'data/tasks/task-1.md', cwd, env})
const ours = (dir: string) => fs.readFileSync(path.join(dir, '.merge_file_A'), 'utf8')

describe('runMergeDriver', () => {
  it('merges changes to neighbouring fields and to one list, writing the result over ours', () => {
    const dir = gitFiles({
      base,
      ours: base.replace('status: todo', 'status: doing').replace('tags: [a]', 'tags: [a, mine]'),
      theirs: base.replace('priority: low', 'priority: high').replace('tags: [a]', 'tags: [a, yours]'),
    })
    const result = run(dir)
    expect(result).toMatchObject({clean: true, merge: 'record', conflicts: [], blocks: [], written: true, lines: []})
    expect(ours(dir)).toBe(base.replace('status: todo', 'status: doing').replace('priority: low', 'priority: high').replace('tags: [a]', 'tags: [a, mine, yours]'))
  })

  it('records a true conflict in merge_conflicts, keeps ours, and says so on one line per conflict', () => {
    const dir = gitFiles({base, ours: base.replace('status: todo', 'status: doing'), theirs: base.replace('status: todo', 'status: done')})
    const result = run(dir)
    expect(result.clean).toBe(false)
    expect(result.conflicts).toEqual([{field: 'status', base: 'todo', ours: 'doing', theirs: 'done'}])
    expect(splitDocument(ours(dir)).data).toMatchObject({status: 'doing', [MERGE_CONFLICTS_FIELD]: {status: {base: 'todo', ours: 'doing', theirs: 'done'}}})
    expect(result.lines).toEqual([
      'psp: data/tasks/task-1.md: status: conflict: ours doing, theirs done (base todo)',
      'psp: data/tasks/task-1.md: list the conflicts with psp conflicts, settle them with psp resolve or by hand (docs/sync.md)',
    ])
  })

  it('writes body conflicts as marker blocks, labelled with the branch git names', () => {
    const dir = gitFiles({base, ours: base.replace('First line.', 'Our line.'), theirs: base.replace('First line.', 'Their line.')})
    const result = run(dir, {GITHEAD_0123456789abcdef0123456789abcdef01234567: 'feature'})
    expect(result).toMatchObject({clean: false, merge: 'record', blocks: [{line: 10, endLine: 16}]})
    expect(ours(dir)).toContain('<<<<<<< ours\nOur line.\n||||||| base\nFirst line.\n=======\nTheir line.\n>>>>>>> theirs (feature)\n')
    expect(result.lines[0]).toBe('psp: data/tasks/task-1.md:10: body: conflict (lines 10–16)')
  })

  it('merges a file that is not a psp document as text', () => {
    const dir = gitFiles({base: 'a\nb\nc\n', ours: 'A\nb\nc\n', theirs: 'a\nb\nC\n'})
    expect(run(dir)).toMatchObject({clean: true, merge: 'text', written: true})
    expect(ours(dir)).toBe('A\nb\nC\n')
    const conflicting = gitFiles({base: '---\nid: [\n---\n', ours: '---\nid: x\n---\n', theirs: '---\nid: y\n---\n'})
    const result = run(conflicting)
    expect(result).toMatchObject({clean: false, merge: 'text', reason: expect.stringMatching(/^base is not a readable document/)})
    expect(result.lines[0]).toMatch(/^psp: data\/tasks\/task-1\.md: merged as plain text: base is not a readable document/)
    expect(ours(conflicting)).toContain('<<<<<<< ours\nid: x\n')
  })

  it('takes an empty ancestor as none: both sides added the file', () => {
    const dir = gitFiles({base: '', ours: base, theirs: base.replace('priority: low', 'priority: high')})
    const result = run(dir)
    expect(result.conflicts).toEqual([{field: 'priority', base: null, ours: 'low', theirs: 'high'}])
  })

  it('leaves ours alone when a version is not text, and reports a conflict', () => {
    const dir = gitFiles({base, ours: base, theirs: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])})
    expect(run(dir)).toMatchObject({clean: false, merge: 'kept-ours', written: false, lines: [expect.stringMatching(/theirs is binary.*ours is kept/)]})
    expect(ours(dir)).toBe(base)
  })

  it('refuses files that are not git’s temporary files, touching nothing', () => {
    const dir = gitFiles({base, ours: base, theirs: base})
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'victim.md'), 'keep me\n')
    fs.symlinkSync(path.join(outside, 'victim.md'), path.join(dir, 'link.md'))
    fs.symlinkSync(outside, path.join(dir, 'out'))
    fs.mkdirSync(path.join(dir, 'folder'))
    const call = (oursFile: string) => thrown(() => runMergeDriver({base: '.merge_file_O', ours: oursFile, theirs: '.merge_file_B', cwd: dir}))
    expect(call(path.join(outside, 'victim.md'))).toBeInstanceOf(UnsafeInputError)
    expect(call('../victim.md')).toBeInstanceOf(UnsafeInputError)
    expect(call('out/victim.md')).toBeInstanceOf(UnsafeInputError)
    expect(call('link.md')).toBeInstanceOf(UnsafeInputError)
    expect(call('folder')).toBeInstanceOf(UnsafeInputError)
    expect(call('missing.md')).toBeInstanceOf(NotFoundError)
    expect(call('')).toBeInstanceOf(UsageError)
    expect(fs.readFileSync(path.join(outside, 'victim.md'), 'utf8')).toBe('keep me\n')
  })
})
