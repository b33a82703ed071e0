/**
 * Parsing many documents at once (a cold index build): the files are shared out between this
 * thread and one worker thread, chunk by chunk, so a 10,000-document workspace parses in about
 * half the time on two cores. The store's API is synchronous, so the hand-over is too: the worker
 * claims chunks through a shared counter and posts its entries on a port this thread drains with
 * receiveMessageOnPort after waiting on the shared "done" flag.
 */
import {availableParallelism} from 'node:os'
import type {MessagePort, Worker} from 'node:worker_threads'
import {nodeWorkerThreads} from './builtins.js'
import type {IndexEntry} from './index-cache.js'
import type {Workspace} from './workspace.js'

/** Below this many files a worker's start-up (~50 ms) costs more than it saves. */
export const PARALLEL_MIN_FILES = 2000
/** Files per claim: small enough to balance the threads, large enough to keep messages few. */
const CHUNK = 250
/** The longest this thread waits for the worker's last chunks before parsing them itself. */
const WORKER_WAIT_MS = 60_000

/** Slots of the shared control array. */
const NEXT_CHUNK = 0
const WORKER_DONE = 1

/** What the worker is given (see parse-worker.ts). */
export interface ParseWorkerData {
  root: string
  settings: Workspace['settings']
  /** Workspace-relative paths of the files to parse. */
  files: string[]
  chunk: number
  control: Int32Array
  port: MessagePort
}

/** What the worker posts: entries by index into `files`; null for a file that is gone. */
export type ParsedChunk = Array<[number, IndexEntry | null]>

/**
 * The index entries of `files`, in order, leaving out the files that are gone. `parseOne` is
 * the single-file parse (the store's); the worker runs the same one (parse-worker.ts), so results
 * do not depend on the thread.
 */
export function parseIndexEntries(ws: Workspace, files: string[], parseOne: (rel: string) => IndexEntry | undefined): IndexEntry[] {
  const present = (entry: IndexEntry | null | undefined): entry is IndexEntry => entry !== null && entry !== undefined
  if (files.length < PARALLEL_MIN_FILES || ws.revision !== undefined || availableParallelism() < 2) {
    return files.map(parseOne).filter(present)
  }
  const {MessageChannel, receiveMessageOnPort, Worker: WorkerThread} = nodeWorkerThreads()
  const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT))
  const {port1, port2} = new MessageChannel()
  let worker: Worker
  try {
    const workerData: ParseWorkerData = {root: ws.root, settings: ws.settings, files, chunk: CHUNK, control, port: port2}
    worker = new WorkerThread(new URL('./parse-worker.js', import.meta.url), {workerData, transferList: [port2]})
  } catch {
    port1.close()
    return files.map(parseOne).filter(present)
  }
  worker.unref()
  // undefined: not parsed yet; null: parsed, and gone.
  const out: (IndexEntry | null | undefined)[] = new Array(files.length)
  const chunks = Math.ceil(files.length / CHUNK)
  let mine = 0
  for (let c = Atomics.add(control, NEXT_CHUNK, 1); c < chunks; c = Atomics.add(control, NEXT_CHUNK, 1)) {
    mine++
    for (let i = c * CHUNK; i < Math.min(files.length, (c + 1) * CHUNK); i++) out[i] = parseOne(files[i] as string) ?? null
  }
  // Only a worker that claimed chunks is waited for; one still starting up will find none left.
  if (mine < chunks) Atomics.wait(control, WORKER_DONE, 0, WORKER_WAIT_MS)
  for (let message = receiveMessageOnPort(port1); message !== undefined; message = receiveMessageOnPort(port1)) {
    for (const [i, entry] of message.message as ParsedChunk) out[i] = entry
  }
  port1.close()
  void worker.terminate()
  // Whatever the worker did not deliver (it failed, or was too slow) is parsed here.
  return out.map((entry, i) => (entry === undefined ? parseOne(files[i] as string) : entry)).filter(present)
}

export {NEXT_CHUNK, WORKER_DONE}
