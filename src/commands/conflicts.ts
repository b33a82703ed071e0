import {EXIT_PROBLEMS_FOUND, findConflicts} from '@psp/core'
import {PspCommand} from '@psp/command'
import {conflictsSummary, conflictsText} from '../conflicts-support.js'

export default class Conflicts extends PspCommand<typeof Conflicts> {
  static override description =
    'List the open merge conflicts: merge_conflicts entries (field, base, ours, theirs), conflict markers in bodies, and paths git still holds as unmerged. Exit 0 when there are none, 1 when there are (docs/sync.md).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run() {
    const report = findConflicts(this.workspace())
    this.print(conflictsText(report))
    this.note(conflictsSummary(report))
    const open = report.count > 0 || report.unmerged.length > 0
    if (open) process.exitCode = EXIT_PROBLEMS_FOUND
    return {ok: !open, ...report}
  }
}
