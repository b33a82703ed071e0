import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {PspCommand} from '@psp/command'
import {LAYOUT} from '@psp/core'

export default class Augment extends PspCommand<typeof Augment> {
  static override description = 'Show the Augment state of the workspace (.augment/) and whether the auggie CLI is installed.'
  static override examples = ['<%= config.bin %> augment', '<%= config.bin %> augment --json']

  public async run() {
    const ws = this.workspace()
    const dir = path.join(ws.root, LAYOUT.augment)
    const read = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined)
    const stateText = read('state.json')
    const state = stateText === undefined ? null : (JSON.parse(stateText) as Record<string, unknown>)
    const versions = read('versions.txt')?.trim().split('\n') ?? []
    const runLogLines = (read('run.log') ?? '').split('\n').filter((l) => l.trim() !== '').length
    const probe = spawnSync('auggie', ['--version'], {encoding: 'utf8', timeout: 5000})
    const auggie = probe.status === 0 ? probe.stdout.trim() : null
    const result = {state, versions, runLogLines, auggie}
    if (!this.jsonEnabled()) {
      this.print(`state.json: ${state ? `schemaVersion ${String(state['schemaVersion'])}` : 'missing (run psp init)'}`)
      for (const v of versions) this.print(`versions: ${v}`)
      this.print(`run.log: ${runLogLines} entr${runLogLines === 1 ? 'y' : 'ies'}`)
      this.print(`auggie: ${auggie ?? 'not installed'}`)
    }
    return result
  }
}
