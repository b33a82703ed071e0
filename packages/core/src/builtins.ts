/**
 * Node built-ins that take a few milliseconds each to load and that only some commands use,
 * loaded on first use instead of at start-up: a lookup such as a warm `psp history` or
 * `psp task show` hashes nothing, makes no id and starts no worker.
 */
import {createRequire} from 'node:module'
import type * as Crypto from 'node:crypto'
import type * as WorkerThreads from 'node:worker_threads'

const require = createRequire(import.meta.url)
let crypto: typeof Crypto | undefined
let workerThreads: typeof WorkerThreads | undefined

/** `node:crypto`, loaded on first use. */
export function nodeCrypto(): typeof Crypto {
  return (crypto ??= require('node:crypto') as typeof Crypto)
}

/** `node:worker_threads`, loaded on first use. */
export function nodeWorkerThreads(): typeof WorkerThreads {
  return (workerThreads ??= require('node:worker_threads') as typeof WorkerThreads)
}
