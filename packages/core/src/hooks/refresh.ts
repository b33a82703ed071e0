/**
 * The post-merge and post-checkout hooks: after git changed the working tree, psp's caches are
 * brought up to date at once, so that the next command does not pay for it.
 */
import fs from 'node:fs'
import {openSearchIndex, SEARCH_CACHE_DIR, SEARCH_CACHE_FILE, searchEntries} from '../search/search-index.js'
import {listDocumentFiles, loadSnapshot, readDocument} from '../store.js'
import type {Workspace} from '../workspace.js'

/** What refreshing did. */
export interface RefreshReport {
  /** Documents in the refreshed index. */
  documents: number
  /** True when the search index, which exists only once `psp search` has run, was refreshed too. */
  search: boolean
}

/** Refreshes the document index (data/cache/index) and, when there is one, the search index. */
export async function refreshCaches(ws: Workspace): Promise<RefreshReport> {
  const snapshot = loadSnapshot(ws)
  const search = fs.existsSync(ws.resolve(`${SEARCH_CACHE_DIR}/${SEARCH_CACHE_FILE}`))
  if (search) {
    await openSearchIndex({root: ws.root, entries: searchEntries(ws.root, listDocumentFiles(ws), (rel) => readDocument(ws, rel).record)})
  }
  return {documents: snapshot.records.length, search}
}
