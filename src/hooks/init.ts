/**
 * Runs before every command: starts the run (its time, the workspace's `.env`: run-start.ts in
 * @psp/command).
 */
import type {Hook} from '@oclif/core'
import {startRun} from '@psp/command/runtime'

const hook: Hook.Init = async function () {
  startRun()
}

export default hook
