/**
 * Validating what a commit will hold: validateWorkspace with an overlay of staged content over
 * the working tree, and with the ids a commit deletes. (The hook that builds the overlay from git
 * is tested end to end in test/e2e/hooks.test.ts.)
 */
import {beforeEach, describe, expect, it} from 'vitest'
import {isDocumentPath, parseDocumentText, validateWorkspace, Workspace, type Problem} from '@psp/core'
import {doc, useWorkspaces, writeFile} from '../_helpers.js'

const newWorkspace = useWorkspaces()
let root: string
let ws: Workspace

const task = (id: string, extra: string[] = []) => doc([`id: ${id}`, 'type: task', `title: Task ${id}`, 'status: todo', ...extra])

beforeEach(async () => {
  root = await newWorkspace()
  writeFile(root, 'data/tasks/task-a.md', task('task-a'))
  writeFile(root, 'data/tasks/task-b.md', task('task-b', ['depends_on: [task-a]']))
  ws = Workspace.open(root)
})

const messages = (problems: Problem[]) => problems.map((p) => `${p.path}: ${p.field ?? ''}: ${p.message}`)

describe('validateWorkspace with an overlay', () => {
  it('checks the overlay content instead of the working tree file', () => {
    const staged = parseDocumentText(task('task-a', ['priority: urgentest']), 'data/tasks/task-a.md')
    const report = validateWorkspace(ws, ['data/tasks/task-a.md'], {overlay: new Map([['data/tasks/task-a.md', staged]])})
    expect(messages(report.problems)).toEqual([expect.stringMatching(/^data\/tasks\/task-a\.md: priority: "urgentest" is not allowed/)])
    // The working tree itself is fine.
    expect(validateWorkspace(ws).problems).toEqual([])
  })

  it('resolves references against the overlay: a file the overlay removes is gone', () => {
    const report = validateWorkspace(ws, ['data/tasks/task-b.md'], {overlay: new Map([['data/tasks/task-a.md', null]])})
    expect(messages(report.problems)).toEqual(['data/tasks/task-b.md: depends_on: unknown id "task-a"'])
  })

  it('reports a problem the overlay carries for a file that did not parse', () => {
    const problem: Problem = {path: 'data/tasks/task-c.md', line: 2, col: 1, message: 'bad YAML', code: 'INVALID_DOCUMENT'}
    const report = validateWorkspace(ws, ['data/tasks/task-c.md'], {overlay: new Map([['data/tasks/task-c.md', problem]])})
    expect(report.problems).toEqual([problem])
    expect(report.checked).toBe(1)
  })

  it('also checks the documents that refer to the ids given as referencing', () => {
    const overlay = new Map([['data/tasks/task-a.md', null]])
    expect(validateWorkspace(ws, [], {overlay}).problems).toEqual([])
    const report = validateWorkspace(ws, [], {overlay, referencing: new Set(['task-a'])})
    expect(report.checked).toBe(1)
    expect(messages(report.problems)).toEqual(['data/tasks/task-b.md: depends_on: unknown id "task-a"'])
  })
})

describe('isDocumentPath', () => {
  it('says which paths the walk of data/ reads as documents', () => {
    expect(isDocumentPath('data/tasks/task-a.md')).toBe(true)
    expect(isDocumentPath('data/projects/p-1/project.md')).toBe(true)
    expect(isDocumentPath('data/archive/tasks/task-a.md')).toBe(true)
    for (const rel of ['data/README.md', 'data/tasks/.hidden.md', 'data/.drafts/a.md', 'data/cache/x.md', 'data/templates/task.md', 'docs/a.md', 'data/tasks/a.txt', 'data.md']) {
      expect(isDocumentPath(rel), rel).toBe(false)
    }
  })
})
