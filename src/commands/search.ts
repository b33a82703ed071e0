import {Args, Flags} from '@oclif/core'
import {DEFAULT_SEARCH_LIMIT, parseLimit} from '@psp/core'
import {PspCommand, visible} from '@psp/command'
import {colourWanted, openWorkspaceSearch, renderHits} from '../search-support.js'

export default class Search extends PspCommand<typeof Search> {
  static override description =
    'Full-text search of the titles, tags and bodies of every document type, ranked, with snippets; prefixes and typos match too. Archived documents are left out. More: docs/search.md.'
  static override examples = [
    `<%= config.bin %> <%= command.id %> 'deplo pipline'`,
    `<%= config.bin %> <%= command.id %> deploy --type decision --limit 1 --json`,
    `<%= config.bin %> <%= command.id %> 'tomato basil' --any`,
  ]
  static override args = {words: Args.string({description: 'What to look for; quote it when it has spaces.', required: true})}
  static override flags = {
    type: Flags.string({description: 'Only documents of this type; repeatable.', multiple: true, multipleNonGreedy: true, helpValue: '<type>'}),
    limit: Flags.string({description: `At most this many hits (default ${DEFAULT_SEARCH_LIMIT}).`, helpValue: '<n>'}),
    any: Flags.boolean({description: 'Documents matching any of the words, not only all of them (ranked by how many match).'}),
  }

  public async run() {
    const ws = this.workspace()
    const {flags} = this
    const limit = flags.limit === undefined ? DEFAULT_SEARCH_LIMIT : parseLimit(flags.limit)
    const types = flags.type === undefined || flags.type.length === 0 ? undefined : flags.type.map((t) => ws.schemas.get(t).name)
    const index = await openWorkspaceSearch(ws)
    const hits = index.search(this.args.words, {limit, match: flags.any ? 'any' : 'all', ...(types === undefined ? {} : {type: types})})
    const {unreadable} = index.stats
    if (unreadable > 0) this.note(`Warning: ${unreadable} document${unreadable > 1 ? 's' : ''} could not be read and ${unreadable > 1 ? 'are' : 'is'} not searched (run psp validate)`)
    if (!this.jsonEnabled()) {
      if (hits.length === 0) this.note(`No matches for "${visible(this.args.words)}".`)
      else process.stdout.write(renderHits(hits, colourWanted()))
    }
    return hits
  }
}
