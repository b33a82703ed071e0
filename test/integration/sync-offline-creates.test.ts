/**
 * Two clones each create 1,000 tasks offline — some depending on earlier tasks of the same clone —
 * and sync: no id collides, every record arrives in both clones, and every reference still
 * resolves (psp validate finds nothing).
 */
import {expect, it} from 'vitest'
import {validateWorkspace} from '@psp/core'
import {useSyncFixture, type Clone} from '../helpers/sync-fixture.js'

const PER_CLONE = 1000

const fixture = useSyncFixture({process: true})

function createTasks(clone: Clone, who: string): Map<string, string[]> {
  const store = clone.store()
  const made: string[] = []
  const deps = new Map<string, string[]>()
  for (let i = 0; i < PER_CLONE; i++) {
    // Every third task waits for one or two earlier tasks of this clone.
    const dependsOn = i % 3 === 2 ? [made[i - 1] as string, ...(i > 10 ? [made[i - 10] as string] : [])] : []
    const record = store.create({type: 'task', title: `${who} task ${i}`, fields: dependsOn.length > 0 ? {depends_on: dependsOn} : {}}).record
    made.push(record.id)
    deps.set(record.id, dependsOn)
  }
  return deps
}

it(`2 × ${PER_CLONE} offline creates sync without a collision; every reference resolves`, async () => {
  const url = await fixture().seedRemote('creates.git')
  const a = await fixture().clone(url, 'a')
  const b = await fixture().clone(url, 'b')
  const depsA = createTasks(a, 'A')
  const depsB = createTasks(b, 'B')
  const ra = await a.sync()
  expect(ra.committed?.records).toHaveLength(PER_CLONE)
  const rb = await b.sync()
  expect(rb).toMatchObject({integration: 'merge', conflicts: [], pushed: true})
  expect(rb.committed?.records).toHaveLength(PER_CLONE)
  expect(rb.merge?.records.filter((r) => r.outcome === 'added')).toHaveLength(2 * PER_CLONE)
  const rc = await a.sync()
  expect(rc.integration).toBe('fast-forward')
  expect(a.tree()).toBe(b.tree())

  const ids = [...depsA.keys(), ...depsB.keys()]
  expect(new Set(ids).size).toBe(2 * PER_CLONE)
  for (const clone of [a, b]) {
    const records = clone.store().list('task')
    expect(records).toHaveLength(2 * PER_CLONE)
    const byId = new Map(records.map((r) => [r.id, r]))
    for (const [id, deps] of [...depsA, ...depsB]) expect(byId.get(id)?.data['depends_on'] ?? []).toEqual(deps)
    const report = validateWorkspace(clone.ws())
    expect(report.problems).toEqual([])
    expect(report.checked).toBeGreaterThanOrEqual(2 * PER_CLONE)
  }
}, 120_000)
