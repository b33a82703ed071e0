/**
 * Planning over the dependency graph (docs/planning.md): which tasks are blocked and by what,
 * which ready task to do next and why, and the critical path with every task's slack. `done`,
 * `blocked`, `ready` and `age` are the query module's derived fields, so `psp next`, `psp task
 * blocked` and `psp query 'blocked'` agree.
 */
export {blockedTasks} from './blocked.js'
export type {BlockedOptions, BlockedTask} from './blocked.js'
export {NEXT_WEIGHTS, rankNext, unblockCounts} from './next.js'
export type {ExplainItem, NextFactor, NextOptions, RankedTask} from './next.js'
export {criticalPath} from './critical-path.js'
export type {CriticalPath, CriticalPathOptions, ScheduledTask} from './critical-path.js'
export {ROLLUP_HOURS_PER_DAY, rollUp} from './rollup.js'
export type {DueRisk, RollUp, RollUpOptions} from './rollup.js'
export {BOARD_SHORT_ID_MIN, buildBoard, columnName, renderBoardMarkdown, shortIds, shownCards} from './board.js'
export type {Board, BoardCard, BoardColumn, BoardOptions, WipState} from './board.js'
export {renderBoardMermaid} from './board-mermaid.js'
export type {BoardMermaid, BoardMermaidOptions} from './board-mermaid.js'
