/**
 * The frontmatter field a merge records open field conflicts in: its own module, so that
 * validation (on every command's path) can name it without loading the merge code.
 */
export const MERGE_CONFLICTS_FIELD = 'merge_conflicts'
