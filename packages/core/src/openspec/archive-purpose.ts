/**
 * The `## Purpose` of a delta or main spec, read the way archive reads it: a heading hidden in a
 * code fence or an HTML comment is not a heading, and a Purpose holding nothing but such hidden
 * text counts as absent (a new capability then gets openspec's placeholder instead).
 */
import {buildCodeFenceMask} from './code-fence.js'

/**
 * The text with every `<!-- … -->` span blanked to spaces, line breaks kept so line numbers still
 * line up. `--!>` also closes a comment; an unclosed comment hides the rest of the file.
 */
export function maskHtmlComments(content: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ')
  let out = ''
  let from = 0
  for (;;) {
    const open = content.indexOf('<!--', from)
    if (open === -1) return out + content.slice(from)
    out += content.slice(from, open)
    let close = -1
    // One pass from the opener: a regex with a lazy span would rescan to the end per opener.
    for (let i = open + 4; i < content.length; i++) {
      if (content.startsWith('-->', i)) {
        close = i + 3
        break
      }
      if (content.startsWith('--!>', i)) {
        close = i + 4
        break
      }
    }
    if (close === -1) return out + blank(content.slice(open))
    out += blank(content.slice(open, close))
    from = close
  }
}

/**
 * The body of the first real `## Purpose` section, trimmed, or undefined when there is none or it
 * holds no prose outside fences and comments. The body comes back as written, comments included.
 */
export function extractPurposeSection(content: string): string | undefined {
  const text = content.replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const masked = maskHtmlComments(text).split('\n')
  const fenced = buildCodeFenceMask(masked)
  const structural = (i: number) => !fenced[i]
  const start = masked.findIndex((line, i) => structural(i) && /^##\s+Purpose\s*$/i.test(line))
  if (start === -1) return undefined
  let end = masked.length
  for (let i = start + 1; i < masked.length; i++) {
    if (structural(i) && /^##\s+/.test(masked[i] as string)) {
      end = i
      break
    }
  }
  const prose = masked
    .slice(start + 1, end)
    .filter((_, offset) => structural(start + 1 + offset))
    .join('\n')
    .trim()
  if (!prose) return undefined
  return lines.slice(start + 1, end).join('\n').trim() || undefined
}
