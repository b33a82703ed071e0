/**
 * @psp/command/standalone: the base of commands that need no workspace, without the workspace
 * half of the command package (and so without loading the core's records).
 */
export {StandaloneCommand} from './standalone-command.js'
export type {CommandArgs, CommandFlags} from './standalone-command.js'
