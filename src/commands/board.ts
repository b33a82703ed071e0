import {Flags} from '@oclif/core'
import {buildBoard, DocumentStore, parseLimit, renderBoardMarkdown, renderBoardMermaid} from '@psp/core'
import {atFlag, PspCommand} from '@psp/command'
import {resolveRef} from '../record-flags.js'
import {planningInput, taskFilterFlags} from '../planning-support.js'
import {BOARD_DEFAULT_WIDTH, BOARD_TEXT_LIMIT, boardJson, outputWidth, parseWidth, renderBoardText} from '../board-support.js'

export default class Board extends PspCommand<typeof Board> {
  static override description =
    'The tasks as a kanban board: a column per workflow status with its count and WIP limit, cards by priority, due date and id. As text fitted to the terminal, a Markdown board, or Mermaid diagrams of the dependencies and the schedule (docs/planning.md).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --project 8sj --assignee ana',
    '<%= config.bin %> <%= command.id %> --where "priority >= high" --limit 5 --width 120',
    '<%= config.bin %> <%= command.id %> --milestone m29 --format mermaid > plan.md',
  ]
  static override flags = {
    at: atFlag,
    project: taskFilterFlags.project,
    milestone: taskFilterFlags.milestone,
    assignee: taskFilterFlags.assignee,
    where: Flags.string({description: 'Only tasks matching this query (docs/query.md), with the other filters.', helpValue: '<expr>'}),
    format: Flags.option({
      description: 'text: columns side by side; md: a Markdown board; mermaid: a dependency flowchart and a gantt.',
      options: ['text', 'md', 'mermaid'] as const,
      default: 'text' as const,
    })(),
    width: Flags.string({description: `Width of the text board (default: the terminal's, else ${BOARD_DEFAULT_WIDTH}).`, helpValue: '<n>'}),
    limit: Flags.string({description: `At most this many cards per column (default ${BOARD_TEXT_LIMIT} in text, all otherwise).`, helpValue: '<n>'}),
  }

  public async run(): Promise<Record<string, unknown>> {
    const {flags} = this
    const width = flags.width === undefined ? undefined : parseWidth(flags.width)
    const limit = flags.limit === undefined ? undefined : parseLimit(flags.limit)
    const store = new DocumentStore(this.workspace())
    const project = flags.project === undefined ? undefined : store.get(flags.project, 'project')
    const milestone = flags.milestone === undefined ? undefined : resolveRef(store, flags.milestone, 'milestone')
    const {tasks, context} = planningInput(store)
    this.noteUnreadable(store)
    const board = buildBoard(tasks, context, {
      wip: store.ws.settings.workflow.wip,
      ...(project === undefined ? {} : {project: project.id}),
      ...(milestone === undefined ? {} : {milestone}),
      ...(flags.assignee === undefined ? {} : {assignee: flags.assignee}),
      ...(flags.where === undefined ? {} : {where: flags.where}),
    })
    const odd = board.columns.filter((c) => !c.known)
    if (odd.length > 0) {
      const n = odd.reduce((sum, c) => sum + c.cards.length, 0)
      const names = odd.map((c) => c.status ?? '(no status)').join(', ')
      this.note(`Warning: ${n} task${n > 1 ? 's have' : ' has'} a status that is not in workflow.statuses (${names}): shown in extra columns; run psp validate`)
    }
    // Without --json the return value is thrown away: at 50,000 tasks building it costs more
    // than drawing the board.
    if (this.jsonEnabled()) return boardJson(board, limit)
    if (board.total === 0) this.note('No tasks on the board.')
    if (flags.format === 'md') process.stdout.write(renderBoardMarkdown(board, limit === undefined ? {} : {limit}))
    else if (flags.format === 'mermaid') {
      const start = project?.data['start']
      const {text, warnings} = renderBoardMermaid(board, context, {...(limit === undefined ? {} : {limit}), ...(start === undefined ? {} : {start})})
      for (const warning of warnings) this.note(`Warning: ${warning}`)
      process.stdout.write(text)
    } else process.stdout.write(renderBoardText(board, {width: width ?? outputWidth(), limit: limit ?? BOARD_TEXT_LIMIT}))
    return {total: board.total}
  }
}
