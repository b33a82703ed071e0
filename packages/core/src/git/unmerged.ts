/**
 * The paths git holds as unmerged, read from the index (`.git/index`) without the git binary:
 * while a merge, rebase, cherry-pick or stash pop waits for conflicts to be settled, a
 * conflicted path has entries in stages 1–3 instead of one in stage 0. `git add` puts it back
 * in stage 0. Index versions 2, 3 and 4 (path-prefix compression) are read; extensions are not.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {GitLocation} from './repository.js'

/** Bytes before an entry's flags: ten 32-bit stat fields and a SHA-1 object id. */
const FIXED = 40 + 20

/** The unmerged paths (from the repository's top, with `/`), sorted; none when there is no readable index. */
export function unmergedPaths(location: GitLocation, env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const file = env['GIT_INDEX_FILE'] ? path.resolve(location.workTree, env['GIT_INDEX_FILE']) : path.join(location.gitDir, 'index')
  let data: Buffer
  try {
    data = fs.readFileSync(file)
  } catch {
    return []
  }
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return []
  const version = data.readUInt32BE(4)
  if (version < 2 || version > 4) return []
  const count = data.readUInt32BE(8)
  const found = new Set<string>()
  let at = 12
  let previous: Buffer = Buffer.alloc(0)
  for (let i = 0; i < count; i++) {
    const start = at
    if (at + FIXED + 2 > data.length) break
    const flags = data.readUInt16BE(at + FIXED)
    at += FIXED + 2
    // Version 3 and later: an extended flags word follows when the extended bit is set.
    if (version >= 3 && (flags & 0x4000) !== 0) at += 2
    let name: Buffer
    if (version === 4) {
      // The name is the previous one minus N trailing bytes, plus a NUL-terminated suffix.
      let byte = data[at++] ?? 0
      let strip = byte & 0x7f
      while ((byte & 0x80) !== 0) {
        byte = data[at++] ?? 0
        strip = ((strip + 1) << 7) | (byte & 0x7f)
      }
      const end = data.indexOf(0, at)
      if (end === -1) break
      name = Buffer.concat([previous.subarray(0, Math.max(0, previous.length - strip)), data.subarray(at, end)])
      at = end + 1
    } else {
      const end = data.indexOf(0, at)
      if (end === -1) break
      name = data.subarray(at, end)
      // Entries are padded with NULs to a multiple of 8 bytes, at least one NUL ending the name.
      at = start + Math.ceil((end + 1 - start) / 8) * 8
    }
    previous = name
    if (((flags >> 12) & 0x3) !== 0) found.add(name.toString('utf8'))
  }
  return [...found].sort()
}
