/**
 * The settings cache: loadSettings keeps valid settings in data/cache/settings.json, trusted while
 * config/settings.yaml's stat (mtime, size, inode) is unchanged and the file was not changed
 * within the racy window of the cache's write. The key also covers the folder's name (the default
 * workspace name). Invalid settings are never cached; a broken or unwritable cache changes nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {InvalidDocumentError, LAYOUT, loadSettings, parseSettings, SETTINGS_PATH} from '@psp/core'
import {thrown, useTempDirs, writeFile} from './_helpers.js'

const tempDir = useTempDirs()

const CACHE = `${LAYOUT.cache}/settings.json`

const TEXT = 'schemaVersion: 1\nname: Team\nworkflow:\n  statuses: [backlog, doing, shipped]\nids:\n  length: 12\n'

/** A workspace-like folder holding only config/settings.yaml, named `name` inside a temp folder. */
function settingsDir(text: string, name = 'ws'): string {
  const dir = path.join(tempDir(), name)
  writeFile(dir, SETTINGS_PATH, text)
  return dir
}

/** Sets the settings file's times `secondsAgo` in the past; returns the time set. */
function age(dir: string, secondsAgo = 60): Date {
  const when = new Date(Math.round(Date.now() - secondsAgo * 1000))
  fs.utimesSync(path.join(dir, SETTINGS_PATH), when, when)
  return when
}

/** Rewrites the settings file in place (same inode) and gives it back the time `when`. */
function rewrite(dir: string, text: string, when: Date): void {
  fs.writeFileSync(path.join(dir, SETTINGS_PATH), text)
  fs.utimesSync(path.join(dir, SETTINGS_PATH), when, when)
}

const cacheExists = (dir: string) => fs.existsSync(path.join(dir, CACHE))
const readCache = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, CACHE), 'utf8')) as {settings: {name: string}} & Record<string, unknown>

/** `text` with one character changed into another of the same length, breaking the YAML. */
const BROKEN = TEXT.replace('name: Team', 'name: [Tea')

describe('loadSettings: the cache', () => {
  it('returns the same settings from the cache on a second load of a file not changed lately', () => {
    const dir = settingsDir(TEXT)
    const when = age(dir)
    const first = loadSettings(dir)
    expect(first).toEqual(parseSettings(TEXT, 'ws'))
    expect(first.workflow.statuses).toEqual(['backlog', 'doing', 'shipped'])
    expect(cacheExists(dir)).toBe(true)
    expect(loadSettings(dir)).toEqual(first)
    // Proof that the second load came from the cache: broken YAML of the same size, same inode and
    // mtime, is not even read.
    expect(BROKEN.length).toBe(TEXT.length)
    const ino = fs.statSync(path.join(dir, SETTINGS_PATH)).ino
    rewrite(dir, BROKEN, when)
    expect(fs.statSync(path.join(dir, SETTINGS_PATH)).ino).toBe(ino)
    expect(loadSettings(dir)).toEqual(first)
    // A new mtime (even an old one): the file is read again and its error reported.
    age(dir, 30)
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe(SETTINGS_PATH)
    expect(error.location.line).toBeTypeOf('number')
  })

  it('returns a fresh object on every load: changing one does not change the next', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    loadSettings(dir)
    const cached = loadSettings(dir)
    cached.workflow.statuses.push('x')
    cached.ids.prefixes['task'] = 't'
    const again = loadSettings(dir)
    expect(again.workflow.statuses).toEqual(['backlog', 'doing', 'shipped'])
    expect(again.ids.prefixes['task']).toBe('task')
  })

  it('sees an edit that changes the size at once, even with the old mtime', () => {
    const dir = settingsDir(TEXT)
    const when = age(dir)
    loadSettings(dir)
    rewrite(dir, TEXT.replace('name: Team', 'name: Team Two'), when)
    expect(loadSettings(dir).name).toBe('Team Two')
  })

  it('sees an edit that keeps the size but changes the mtime at once', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    loadSettings(dir)
    rewrite(dir, TEXT.replace('name: Team', 'name: Mate'), new Date(Date.now() - 30_000))
    expect(loadSettings(dir).name).toBe('Mate')
  })

  it('sees a file replaced by another of the same size and mtime (a new inode)', () => {
    const dir = settingsDir(TEXT)
    const when = age(dir)
    loadSettings(dir)
    const file = path.join(dir, SETTINGS_PATH)
    const other = `${file}.new`
    fs.writeFileSync(other, TEXT.replace('name: Team', 'name: Mate'))
    fs.utimesSync(other, when, when)
    fs.renameSync(other, file)
    expect(Math.round(fs.statSync(file).mtimeMs)).toBe(when.getTime())
    expect(loadSettings(dir).name).toBe('Mate')
  })

  it('does not cache a file changed within the racy window', () => {
    const dir = settingsDir(TEXT)
    expect(loadSettings(dir).name).toBe('Team')
    expect(cacheExists(dir)).toBe(false)
    age(dir, 1)
    expect(loadSettings(dir).name).toBe('Team')
    expect(cacheExists(dir)).toBe(false)
    // Once it is older than the window, it is.
    age(dir)
    loadSettings(dir)
    expect(cacheExists(dir)).toBe(true)
  })

  it('does not cache a file whose mtime is in the future (clock skew)', () => {
    const dir = settingsDir(TEXT)
    const future = age(dir, -60)
    expect(loadSettings(dir).name).toBe('Team')
    expect(cacheExists(dir)).toBe(false)
    rewrite(dir, TEXT.replace('name: Team', 'name: Mate'), future)
    expect(loadSettings(dir).name).toBe('Mate')
    expect(cacheExists(dir)).toBe(false)
  })

  it('does not trust an entry written within the racy window of the file’s mtime', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    loadSettings(dir)
    const cache = readCache(dir)
    cache.settings.name = 'from-cache'
    fs.writeFileSync(path.join(dir, CACHE), JSON.stringify(cache))
    expect(loadSettings(dir).name).toBe('from-cache')
    // The same entry, as if written 1 s after the file changed: the file may have changed again since.
    fs.writeFileSync(path.join(dir, CACHE), JSON.stringify({...cache, writtenAt: Number(cache['mtimeMs']) + 1000}))
    expect(loadSettings(dir).name).toBe('Team')
  })

  it('keeps a racily changed file out of the cache: the old entry stays as it was', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    loadSettings(dir)
    const before = fs.readFileSync(path.join(dir, CACHE), 'utf8')
    fs.writeFileSync(path.join(dir, SETTINGS_PATH), TEXT.replace('name: Team', 'name: Now'))
    expect(loadSettings(dir).name).toBe('Now')
    expect(loadSettings(dir).name).toBe('Now')
    expect(fs.readFileSync(path.join(dir, CACHE), 'utf8')).toBe(before)
  })

  it('never caches invalid settings, and reports their error with line and field every time', () => {
    const dir = settingsDir('schemaVersion: 1\nname: x\n\n# colour of the board\ncolour: red\n')
    age(dir)
    for (let i = 0; i < 2; i++) {
      const error = thrown(() => loadSettings(dir))
      expect(error).toBeInstanceOf(InvalidDocumentError)
      expect(error.location).toEqual({path: SETTINGS_PATH, line: 5, col: 1, field: 'colour'})
      expect(cacheExists(dir)).toBe(false)
    }
  })

  it('never caches settings that fail the checks after the schema (a default that is not a status)', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  default: c\n')
    age(dir)
    for (let i = 0; i < 2; i++) {
      const error = thrown(() => loadSettings(dir))
      expect(error).toBeInstanceOf(InvalidDocumentError)
      expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 4, field: 'workflow.default'})
      expect(cacheExists(dir)).toBe(false)
    }
  })

  it('never caches broken YAML', () => {
    const dir = settingsDir(BROKEN)
    age(dir)
    for (let i = 0; i < 2; i++) {
      const error = thrown(() => loadSettings(dir))
      expect(error.location.path).toBe(SETTINGS_PATH)
      expect(error.location.line).toBeGreaterThanOrEqual(2)
      expect(cacheExists(dir)).toBe(false)
    }
  })

  it('reports a valid file turned invalid, though valid settings are cached', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    loadSettings(dir)
    rewrite(dir, `${TEXT}colour: red\n`, new Date(Date.now() - 30_000))
    const error = thrown(() => loadSettings(dir))
    expect(error.location).toEqual({path: SETTINGS_PATH, line: 7, col: 1, field: 'colour'})
    // Fixed again: read again.
    rewrite(dir, TEXT.replace('name: Team', 'name: Mate'), new Date(Date.now() - 20_000))
    expect(loadSettings(dir).name).toBe('Mate')
  })

  it('keys the cache on the folder name, the default workspace name', () => {
    const dir = settingsDir('schemaVersion: 1\n', 'ws-one')
    const when = age(dir)
    expect(loadSettings(dir).name).toBe('ws-one')
    expect(cacheExists(dir)).toBe(true)
    // The cache is trusted (a tampered entry is what comes back)...
    const cache = readCache(dir)
    cache.settings.name = 'from-cache'
    fs.writeFileSync(path.join(dir, CACHE), JSON.stringify(cache))
    expect(loadSettings(dir).name).toBe('from-cache')
    // ...until the folder is renamed: the file's stat is unchanged, the key is not.
    const renamed = path.join(path.dirname(dir), 'ws-two')
    fs.renameSync(dir, renamed)
    const stat = fs.statSync(path.join(renamed, SETTINGS_PATH))
    expect(Math.round(stat.mtimeMs)).toBe(when.getTime())
    expect(loadSettings(renamed).name).toBe('ws-two')
    expect(loadSettings(renamed).name).toBe('ws-two')
  })

  it('ignores a corrupt or foreign cache file and writes a good one', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    const expected = loadSettings(dir)
    const good = readCache(dir)
    const tampered = {...good.settings, name: 'from-cache'}
    for (const bad of [
      '',
      '{"format": 1, "key": "',
      'null',
      '[]',
      '42',
      JSON.stringify({...good, format: 999, settings: tampered}),
      JSON.stringify({...good, key: 'another/version', settings: tampered}),
      JSON.stringify({...good, ino: Number(good['ino']) + 1, settings: tampered}),
      JSON.stringify({...good, settings: null}),
      JSON.stringify({...good, settings: 'Team'}),
    ]) {
      writeFile(dir, CACHE, bad)
      expect(loadSettings(dir), bad).toEqual(expected)
      expect(readCache(dir).settings, bad).toEqual(expected)
    }
  })

  it('still loads when the cache cannot be written (data/cache is a file)', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    writeFile(dir, LAYOUT.cache, 'not a folder')
    expect(loadSettings(dir).name).toBe('Team')
    expect(loadSettings(dir)).toEqual(parseSettings(TEXT, 'ws'))
    expect(fs.readFileSync(path.join(dir, LAYOUT.cache), 'utf8')).toBe('not a folder')
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['cache'])
  })

  it('still loads when data/ is a file', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    writeFile(dir, 'data', 'not a folder')
    expect(loadSettings(dir).name).toBe('Team')
    expect(loadSettings(dir).name).toBe('Team')
  })

  it.skipIf(process.getuid?.() === 0)('still loads when data/cache is read-only', () => {
    const dir = settingsDir(TEXT)
    age(dir)
    const cache = path.join(dir, LAYOUT.cache)
    fs.mkdirSync(cache, {recursive: true})
    fs.chmodSync(cache, 0o555)
    try {
      expect(loadSettings(dir).name).toBe('Team')
      expect(loadSettings(dir).name).toBe('Team')
      expect(fs.readdirSync(cache)).toEqual([])
    } finally {
      fs.chmodSync(cache, 0o755)
    }
  })
})
