/**
 * The worker thread of parse-pool.ts: claims chunks of files through the shared counter, parses
 * them exactly as the store does, posts the entries, and raises the shared "done" flag.
 */
import {workerData} from 'node:worker_threads'
import {NEXT_CHUNK, WORKER_DONE, type ParsedChunk, type ParseWorkerData} from './parse-pool.js'
import {indexEntry} from './store.js'
import {Workspace} from './workspace.js'

const {root, settings, files, chunk, control, port} = workerData as ParseWorkerData
try {
  const ws = Workspace.at(root, settings)
  const chunks = Math.ceil(files.length / chunk)
  for (let c = Atomics.add(control, NEXT_CHUNK, 1); c < chunks; c = Atomics.add(control, NEXT_CHUNK, 1)) {
    const batch: ParsedChunk = []
    for (let i = c * chunk; i < Math.min(files.length, (c + 1) * chunk); i++) batch.push([i, indexEntry(ws, files[i] as string) ?? null])
    port.postMessage(batch)
  }
} finally {
  Atomics.store(control, WORKER_DONE, 1)
  Atomics.notify(control, WORKER_DONE)
  port.close()
}
