/**
 * @psp/core/merge-driver: git's merge driver alone. Git runs it once per conflicting file, so it
 * loads the merge code and nothing else of the core (no settings, schemas or index).
 */
export {MAX_DRIVER_BYTES, runMergeDriver} from './merge/driver.js'
export type {MergeDriverOptions, MergeDriverResult} from './merge/driver.js'
