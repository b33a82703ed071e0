/**
 * Project templates (`@psp/core/templates`): reading, checking and instantiating them
 * (docs/templates.md). A separate entry so that commands that never touch templates do not
 * load it.
 */
export {checkExpression, evaluate, ExpressionError, expressionsIn, parseExpression, parseText, renderText, renderValue} from './expression.js'
export type {Expression, VariableKind, Variables, VariableValue} from './expression.js'
export {BUILTIN_VARIABLES, coerceVariable, defaultValue, kindOf, MANIFEST_FILE, parseManifest, variableKinds} from './manifest.js'
export type {TemplateManifest, VariableDefinition, VariableType} from './manifest.js'
export {FILES_DIR, PLAN_DIR, readTemplate, referenceKeys, TEMPLATE_LIMITS} from './template.js'
export type {PlanDocument, Template, TemplateFile, TemplateSource} from './template.js'
export {findTemplate, isFolderSpec, listTemplates} from './catalog.js'
export type {TemplateEntry, TemplateRoot} from './catalog.js'
export {resolveVariables, todayString} from './variables.js'
export type {AskVariable, ResolveOptions} from './variables.js'
export {planProject, writePlannedFiles} from './new-project.js'
export type {PlannedFile, ProjectPlan, WrittenFiles} from './new-project.js'
export {startProject} from './start.js'
export type {StartProjectOptions, StartProjectReport} from './start.js'
export {checkTemplate, formatTemplateProblem} from './check.js'
export type {TemplateCheck, TemplateProblem} from './check.js'
export {fetchTemplate, isGitSpec, parseGitSpec} from './fetch.js'
export type {FetchedTemplate, GitTemplateSpec} from './fetch.js'
export {createTemplateFromProject} from './create-from.js'
export type {CreateFromOptions, CreateFromReport} from './create-from.js'
