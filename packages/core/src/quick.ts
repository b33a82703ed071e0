/**
 * `@psp/core/quick`: the `records` and `runtime` entries as one self-contained file, for the
 * fast paths that run a command without oclif (`psp history`, docs/decisions.md). Node loads an
 * ES module graph file by file, and the dozen chunks those entries share with the rest of the
 * core cost ~10 ms of a start-up that is itself the whole budget. A process that loads this
 * file must not also load the other entries: they would be a second copy of the core, with
 * classes and state of its own.
 */
export * from './records.js'
export * from './runtime.js'
