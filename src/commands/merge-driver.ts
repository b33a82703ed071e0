import {Args, Command, Flags, type Interfaces} from '@oclif/core'
import {runMergeDriver} from '@psp/core/merge-driver'

/**
 * Git's merge driver (`merge.psp.driver`). It extends oclif's Command rather than PspCommand: git
 * runs it once per conflicting file, and PspCommand's import graph (the whole core) would double
 * its start-up. Nothing goes to stdout (unless --json is asked for); git shows stderr.
 */
export default class MergeDriver extends Command {
  static override description =
    "Git's merge driver for psp documents: merges git's three temporary files field by field into the ours file; exit 0 when clean, 1 when a conflict remains (recorded in merge_conflicts or as markers). Registered by psp init and psp hooks install (docs/sync.md)."
  static override examples = ['git config merge.psp.driver "psp merge-driver %O %A %B %P"']
  static override hidden = true
  static override enableJsonFlag = true
  static override args = {
    base: Args.string({description: "%O: the common ancestor's version.", required: true}),
    ours: Args.string({description: '%A: our version; the result is written here.', required: true}),
    theirs: Args.string({description: "%B: their version.", required: true}),
    path: Args.string({description: '%P: the path in the tree, for messages.'}),
  }
  static override flags = {debug: Flags.boolean({description: 'Show stack traces for unexpected errors.', helpGroup: 'GLOBAL'})}

  public async run() {
    const {args} = await this.parse(MergeDriver)
    const result = runMergeDriver({base: args.base, ours: args.ours, theirs: args.theirs, path: args.path, cwd: process.cwd()})
    for (const line of result.lines) process.stderr.write(`${line}\n`)
    process.exitCode = result.clean ? 0 : 1
    return result
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    // bin/run.js renders every error the same way.
    throw error
  }
}
