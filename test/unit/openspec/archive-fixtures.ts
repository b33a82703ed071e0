/**
 * OpenSpec projects for the archive tests: a builder that writes one from a map of files, the
 * texts the cases share, and a snapshot of a whole tree (folders, links and bytes) to prove that
 * a refusal changed nothing and that two archives produced the very same files.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A file's text, or a symbolic link. */
export type Entry = string | Buffer | {link: string} | {dir: true}

/** Writes `files` (paths relative to the project, `/`-separated) into a new temp folder. */
export function makeProject(files: Record<string, Entry>, parent = os.tmpdir()): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(parent, 'psp-archive-')))
  writeFiles(root, files)
  return root
}

export function writeFiles(root: string, files: Record<string, Entry>): void {
  for (const [rel, entry] of Object.entries(files)) {
    const file = path.join(root, ...rel.split('/'))
    fs.mkdirSync(path.dirname(file), {recursive: true})
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) fs.writeFileSync(file, entry)
    else if ('link' in entry) fs.symlinkSync(entry.link, file)
    else fs.mkdirSync(file, {recursive: true})
  }
}

/** Every folder, link and file under `dir` with its content, sorted: equal snapshots, equal trees. */
export function snapshotTree(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      const full = path.join(dir, child)
      if (entry.isSymbolicLink()) out.push(`link ${child} -> ${fs.readlinkSync(full)}`)
      else if (entry.isDirectory()) {
        out.push(`dir  ${child}`)
        walk(child)
      } else out.push(`file ${child} ${fs.readFileSync(full).toString('base64')}`)
    }
  }
  walk('')
  return out
}

/** Copies a project (links copied as links). */
export function copyProject(from: string, parent = os.tmpdir()): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(parent, 'psp-archive-')))
  fs.cpSync(from, root, {recursive: true, verbatimSymlinks: true})
  return root
}

export const PURPOSE = 'Authentication for the product, long enough to pass the purpose length check.'

export const MAIN_AUTH = `# auth Specification

## Purpose
${PURPOSE}

## Requirements
### Requirement: Login
The system SHALL let a user log in.

#### Scenario: Valid credentials
- **WHEN** a user submits valid credentials
- **THEN** a session starts

### Requirement: Logout
The system SHALL let a user log out.

#### Scenario: Logout
- **WHEN** a user logs out
- **THEN** the session ends
`

export const PROPOSAL = `## Why
We need this change for a reason that is long enough to pass validation.

## What Changes
- **auth:** adds things to the auth capability
`

/** A requirement block with one scenario. */
export const requirement = (name: string, scenario = 'Works') =>
  `### Requirement: ${name}\nThe system SHALL do ${name}.\n\n#### Scenario: ${scenario}\n- **WHEN** it happens\n- **THEN** it works\n`

export const added = (...names: string[]) => `## ADDED Requirements\n${names.map((n) => requirement(n)).join('\n')}`
export const removed = (...names: string[]) => `## REMOVED Requirements\n${names.map((n) => `### Requirement: ${n}\n`).join('')}`

/** A project with the auth spec and one change `c1` (proposal, the given delta files, done tasks). */
export function withChange(deltas: Record<string, Entry>, extra: Record<string, Entry> = {}): Record<string, Entry> {
  const files: Record<string, Entry> = {
    'openspec/specs/auth/spec.md': MAIN_AUTH,
    'openspec/changes/c1/proposal.md': PROPOSAL,
    'openspec/changes/c1/tasks.md': '- [x] 1.1 Done\n',
  }
  for (const [rel, entry] of Object.entries(deltas)) files[`openspec/changes/c1/specs/${rel}`] = entry
  return {...files, ...extra}
}

/** The delta of the "everything at once" change: rename, modify the renamed one, add another. */
export const RENAME_MODIFY_ADD = `## RENAMED Requirements
- FROM: \`### Requirement: Logout\`
- TO: \`### Requirement: Sign out\`

## MODIFIED Requirements
### Requirement: Sign out
The system SHALL let a user sign out quickly.

#### Scenario: Logout
- **WHEN** a user signs out
- **THEN** the session ends

## ADDED Requirements
${requirement('Reset password', 'Reset')}`

export const RETIRE_MARKER = 'schema: spec-driven\nretire_capabilities: true\n'
