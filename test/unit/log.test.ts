import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {drainLog, log, LOG_LEVELS, rotateLog, writeLog} from '@psp/core'
import type {LogEntry} from '@psp/core'
import {useTempDirs} from './_helpers.js'

const tempDir = useTempDirs()

/** The log file's JSON lines, parsed. */
function readLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('log and drainLog', () => {
  it('records entries in memory until they are drained, once', () => {
    drainLog()
    log('info', 'first', {id: 'task-1'})
    log('warn', 'second')
    expect(drainLog()).toEqual([
      {level: 'info', msg: 'first', id: 'task-1'},
      {level: 'warn', msg: 'second'},
    ])
    expect(drainLog()).toEqual([])
  })

  it('never lets fields override level and msg', () => {
    drainLog()
    log('error', 'real', {level: 'trace', msg: 'fake'})
    expect(drainLog()).toEqual([{level: 'error', msg: 'real'}])
  })

  it('knows every pino level plus silent', () => {
    expect([...LOG_LEVELS]).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  })
})

describe('rotateLog', () => {
  it('does nothing when the file is missing or under the limit', () => {
    const dir = tempDir()
    const file = path.join(dir, 'psp.log')
    rotateLog(file, 100, 3)
    expect(fs.readdirSync(dir)).toEqual([])
    fs.writeFileSync(file, 'x'.repeat(99))
    rotateLog(file, 100, 3)
    expect(fs.readdirSync(dir)).toEqual(['psp.log'])
  })

  it('rotates at the size limit, keeping at most N old files, newest as .1', () => {
    const dir = tempDir()
    const file = path.join(dir, 'psp.log')
    for (let round = 1; round <= 6; round++) {
      fs.writeFileSync(file, `round ${round} `.padEnd(100, '.'))
      rotateLog(file, 100, 3)
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['psp.log.1', 'psp.log.2', 'psp.log.3'])
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toMatch(/^round 6 /)
    expect(fs.readFileSync(`${file}.2`, 'utf8')).toMatch(/^round 5 /)
    expect(fs.readFileSync(`${file}.3`, 'utf8')).toMatch(/^round 4 /)
  })

  it('keeps a single old file with keep = 1', () => {
    const dir = tempDir()
    const file = path.join(dir, 'psp.log')
    for (const round of [1, 2]) {
      fs.writeFileSync(file, `r${round}`.repeat(10))
      rotateLog(file, 10, 1)
    }
    expect(fs.readdirSync(dir)).toEqual(['psp.log.1'])
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toMatch(/^r2/)
  })
})

describe('writeLog', () => {
  const entries: LogEntry[] = [
    {level: 'debug', msg: 'hidden'},
    {level: 'info', msg: 'created', id: 'task-1'},
    {level: 'warn', msg: 'slow', ms: 1200},
    {level: 'error', msg: 'failed', code: 'IO'},
  ]

  it('appends JSON lines at or above the level, creating the folder', async () => {
    const file = path.join(tempDir(), 'cache', 'logs', 'psp.log')
    writeLog({file, level: 'info', maxBytes: 1024 * 1024, keep: 3, entries})
    const lines = readLines(file)
    expect(lines.map((l) => l['msg'])).toEqual(['created', 'slow', 'failed'])
    expect(lines.map((l) => l['level'])).toEqual([30, 40, 50])
    expect(lines[0]).toMatchObject({id: 'task-1', pid: process.pid})
    expect(lines[1]).toMatchObject({ms: 1200})
    expect(lines[2]).toMatchObject({code: 'IO'})
    for (const line of lines) expect(new Date(String(line['time'])).toISOString()).toBe(line['time'])
  })

  it('appends to what is there', async () => {
    const file = path.join(tempDir(), 'psp.log')
    writeLog({file, level: 'warn', maxBytes: 1024 * 1024, keep: 3, entries})
    writeLog({file, level: 'warn', maxBytes: 1024 * 1024, keep: 3, entries: [{level: 'fatal', msg: 'last'}]})
    expect(readLines(file).map((l) => l['msg'])).toEqual(['slow', 'failed', 'last'])
  })

  it('writes debug entries at level trace', async () => {
    const file = path.join(tempDir(), 'psp.log')
    writeLog({file, level: 'trace', maxBytes: 1024 * 1024, keep: 3, entries})
    expect(readLines(file)).toHaveLength(4)
  })

  it('writes nothing at level silent or without entries', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'logs', 'psp.log')
    writeLog({file, level: 'silent', maxBytes: 1024, keep: 3, entries})
    writeLog({file, level: 'info', maxBytes: 1024, keep: 3, entries: []})
    expect(fs.existsSync(file)).toBe(false)
  })

  it('rotates a full log before writing', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'psp.log')
    fs.writeFileSync(file, `${JSON.stringify({msg: 'old'})}\n`.repeat(100))
    writeLog({file, level: 'info', maxBytes: 1024, keep: 2, entries: [{level: 'info', msg: 'new'}]})
    expect(readLines(file).map((l) => l['msg'])).toEqual(['new'])
    expect(readLines(`${file}.1`)).toHaveLength(100)
  })

  it('never keeps more than `keep` old files however much is written', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'psp.log')
    const big: LogEntry[] = Array.from({length: 20}, (_, i) => ({level: 'info', msg: `entry ${i}`, pad: 'x'.repeat(40)}))
    for (let i = 0; i < 10; i++) writeLog({file, level: 'info', maxBytes: 1024, keep: 2, entries: big})
    expect(fs.readdirSync(dir).sort()).toEqual(['psp.log', 'psp.log.1', 'psp.log.2'])
  })
})
