/**
 * `@psp/core/openspec`: psp's own implementation of the OpenSpec workflow (openspec/specs,
 * openspec/changes), kept in step with the openspec CLI it is tested against. A separate entry,
 * so that no other command pays for loading it.
 */
export * from './init.js'
export * from './new-change.js'
export * from './project-config.js'
