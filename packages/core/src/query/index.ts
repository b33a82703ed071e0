/**
 * The query language (docs/query.md): `status = todo and (priority >= high or due < today+7d)`.
 * Parse once, compile once into a predicate, evaluate per record; sort, group and pick fields
 * with the same field semantics.
 */
export type {CompareNode, CompareOp, DateUnit, ExistsNode, HasNode, InNode, LogicalNode, NotNode, QueryAst, QueryValue, TruthyNode} from './ast.js'
export {makeQueryContext} from './context.js'
export type {DateLike, QueryContext, QueryContextOptions} from './context.js'
export {addToDay, formatDay, localDay, parseDay, toDay} from './dates.js'
export {QueryError} from './errors.js'
export type {QueryErrorOptions} from './errors.js'
export {compileQuery} from './evaluate.js'
export type {RecordPredicate} from './evaluate.js'
export {DERIVED_FIELDS} from './fields.js'
export {formatQuery} from './format.js'
export {MAX_QUERY_LENGTH, MAX_REGEX_LENGTH} from './lexer.js'
export {isFieldName, parseQuery} from './parser.js'
export {checkKnownFields, knownFields, parseFieldList, queryFields, runQuery} from './run.js'
export {checkLimit, parseLimit} from '../limit.js'
export type {QueryResult, RunQueryOptions} from './run.js'
export {fieldSelector, groupRecords, parseSortSpec, selectFields, sortRecords} from './sort.js'
export type {GroupKey, RecordGroup, SortKey} from './sort.js'
