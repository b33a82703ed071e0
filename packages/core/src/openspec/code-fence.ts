/**
 * Fenced code blocks in OpenSpec Markdown. Every reader (requirements, scenarios, delta sections,
 * structure checks) must ignore headings that only appear inside an example, and they must all
 * agree on where an example starts and ends — so the rule lives here, once.
 */

interface Fence {
  char: string
  length: number
}

const OPENING = /^\s*(`{3,}|~{3,})/
const CLOSING = /^\s*(`{3,}|~{3,})\s*$/

/**
 * One flag per line: true when the line belongs to a fenced block, the fence lines included.
 * A fence closes only on a bare run of the same character at least as long as the opener; an
 * unclosed fence runs to the end of the text (as openspec reads it).
 */
export function buildCodeFenceMask(lines: readonly string[]): boolean[] {
  const mask = new Array<boolean>(lines.length).fill(false)
  let open: Fence | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (open === undefined) {
      // Cheap pre-check: nearly every line lacks a backtick or tilde run.
      if (!line.includes('```') && !line.includes('~~~')) continue
      const m = OPENING.exec(line)
      if (m) {
        const run = m[1] as string
        open = {char: run[0] as string, length: run.length}
        mask[i] = true
      }
      continue
    }
    mask[i] = true
    const m = CLOSING.exec(line)
    if (m) {
      const run = m[1] as string
      if (run[0] === open.char && run.length >= open.length) open = undefined
    }
  }
  return mask
}
