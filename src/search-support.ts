/**
 * What `psp search` needs besides the core: the workspace's search index opened over its document
 * files, and hits as text, one block per hit.
 */
import {listDocumentFiles, openSearchIndex, readDocument, searchEntries, type SearchHit, type SearchIndex, type TextRange, type Workspace} from '@psp/core'
import {visible} from '@psp/command'

/** The search index of a workspace, brought up to date with its files (data/cache/search/). */
export async function openWorkspaceSearch(ws: Workspace): Promise<SearchIndex> {
  const entries = searchEntries(ws.root, listDocumentFiles(ws), (rel) => readDocument(ws, rel).record)
  return openSearchIndex({root: ws.root, entries})
}

/** True when hits may be highlighted with terminal escapes: a terminal (not `dumb`), and no NO_COLOR (whatever its value). */
export function colourWanted(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb'
}

const BOLD = '\u001b[1m'
const NORMAL = '\u001b[22m'

/** `text` with its matches wrapped in `**` (plain) or bold (colour); control characters made visible. */
function mark(text: string, matches: readonly TextRange[], colour: boolean): string {
  const [open, close] = colour ? [BOLD, NORMAL] : ['**', '**']
  let out = ''
  let at = 0
  for (const {start, end} of matches) {
    if (start < at || end > text.length) continue
    out += `${visible(text.slice(at, start))}${open}${visible(text.slice(start, end))}${close}`
    at = end
  }
  return out + visible(text.slice(at))
}

/**
 * Hits as text: for each, a line `id  title  (type, path)` and the snippet on the next line,
 * indented by two spaces, its matched words wrapped in `**` (or, with `colour`, in bold; then the
 * title's matches too).
 */
export function renderHits(hits: readonly SearchHit[], colour: boolean): string {
  return hits
    .map((hit) => {
      const title = colour ? mark(hit.title, hit.titleMatches, true) : visible(hit.title)
      return `${hit.id}  ${title}  (${hit.type}, ${visible(hit.path)})\n  ${mark(hit.snippet.text, hit.snippet.matches, colour)}\n`
    })
    .join('')
}
