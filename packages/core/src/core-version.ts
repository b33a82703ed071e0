/** The version of @psp/core: caches written by another version are discarded. */
import {createRequire} from 'node:module'

export const CORE_VERSION = (createRequire(import.meta.url)('../package.json') as {version: string}).version
