import os from 'node:os'
import path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {defaultSettings, DocumentStore, EXIT_PROBLEMS_FOUND, findWorkspaceRoot, InvalidDocumentError, UnsafeInputError, UsageError, Workspace} from '@psp/core'
import {checkTemplate, isFolderSpec, isGitSpec, listTemplates, readTemplate, todayString, type TemplateCheck} from '@psp/core/templates'
import {PspCommand} from '@psp/command'
import {openTemplate, parseVarFlags, templateRoots, type OpenedTemplate} from '../../template-support.js'
import {templateCheckLines} from '../../template-output.js'

export default class TemplateValidate extends PspCommand<typeof TemplateValidate> {
  static override description =
    'Check templates as psp new would use them: the manifest, every expression, the plan\'s keys, references and dependencies, and a trial run with the defaults checked against the workspace\'s schemas. Writes nothing. Exits 1 when a template has problems.'
  static override examples = ['<%= config.bin %> <%= command.id %> --all', '<%= config.bin %> <%= command.id %> ./my-template']
  static override strict = false
  static override args = {
    template: Args.string({description: 'Templates to check: names, folders or git URLs (or --all).'}),
  }
  static override flags = {
    all: Flags.boolean({description: 'Check every template psp template list shows.'}),
    var: Flags.string({description: 'A variable\'s value for the trial run, key=value (repeatable; default: the defaults, and a sample for required ones).', multiple: true, helpValue: '<key=value>'}),
  }

  public async run() {
    const specs = this.positionals
    const given = parseVarFlags(this.flags.var)
    if (specs.length === 0 && !this.flags.all) throw new UsageError('name a template to check, or use --all')
    if (specs.length > 0 && this.flags.all) throw new UsageError('name templates or use --all, not both')
    // Inside a workspace the trial run uses its schemas and settings; elsewhere psp's defaults.
    const root = findWorkspaceRoot(process.cwd())
    const store = new DocumentStore(root === undefined ? Workspace.at(path.join(os.tmpdir(), 'psp-no-workspace'), defaultSettings()) : this.workspace())
    const checks: TemplateCheck[] = []
    const openers: {name: string; source: string; open: () => Promise<OpenedTemplate>}[] = this.flags.all
      ? listTemplates(templateRoots(this.config))
          .filter((t) => t.overriddenBy === undefined)
          .map((t) => ({name: t.name, source: t.source, open: async () => ({template: readTemplate(t.root, t.source), dispose: () => {}})}))
      : specs.map((spec) => ({name: spec, source: isGitSpec(spec) ? 'url' : isFolderSpec(spec) ? 'folder' : 'named', open: () => openTemplate(spec, this.config)}))
    for (const {name, source, open} of openers) {
      let opened: OpenedTemplate
      try {
        opened = await open()
      } catch (error) {
        // A template that cannot even be read is a failed check, not the end of the run.
        if (!(error instanceof InvalidDocumentError || error instanceof UnsafeInputError)) throw error
        // Located errors name the template's folder first: `my-template/plan/x.md`.
        const where = error.location.path
        const slash = where?.indexOf('/') ?? -1
        const {line, field} = error.location
        checks.push({
          name: where === undefined || slash === -1 ? name : where.slice(0, slash),
          source,
          valid: false,
          problems: [{file: where === undefined || slash === -1 ? 'template.yaml' : where.slice(slash + 1), ...(line === undefined ? {} : {line}), ...(field === undefined ? {} : {field}), message: error.message}],
        })
        continue
      }
      try {
        checks.push(await checkTemplate(opened.template, store, todayString(), given))
      } finally {
        opened.dispose()
      }
    }
    this.print(templateCheckLines(checks))
    if (checks.some((c) => !c.valid)) process.exitCode = EXIT_PROBLEMS_FOUND
    return {valid: checks.every((c) => c.valid), templates: checks}
  }
}
