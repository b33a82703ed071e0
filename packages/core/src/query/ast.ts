/**
 * The syntax tree of a query. Plain JSON-able data: `parseQuery` builds it, `formatQuery` prints
 * it back, `compileQuery` turns it into a predicate. Every node carries `col`, the 1-based column
 * where it starts in the text it was parsed from (0 for a node built by hand).
 */

/** A literal on the right-hand side of a condition. */
export type QueryValue =
  | {type: 'string'; value: string; col: number}
  | {type: 'number'; value: number; col: number}
  | {type: 'boolean'; value: boolean; col: number}
  | {type: 'null'; col: number}
  /** A calendar date, `YYYY-MM-DD`. */
  | {type: 'date'; value: string; col: number}
  /** `today`, `today+7d`, `today-2w`: `offset` units from the local date of the clock. */
  | {type: 'relative'; offset: number; unit: DateUnit; col: number}
  /** `/source/flags`, only after `~`. */
  | {type: 'regex'; source: string; flags: string; col: number}

export type DateUnit = 'd' | 'w' | 'm' | 'y'

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~'

/** `field op value`. */
export interface CompareNode {
  kind: 'compare'
  field: string
  op: CompareOp
  value: QueryValue
  col: number
}

/** `field in [a, b]`, `field not in [a, b]`. */
export interface InNode {
  kind: 'in'
  field: string
  negated: boolean
  values: QueryValue[]
  col: number
}

/** `field has v` (mode `one`, one value), `field has any [..]`, `field has all [..]`. */
export interface HasNode {
  kind: 'has'
  field: string
  mode: 'one' | 'any' | 'all'
  values: QueryValue[]
  col: number
}

/** `has field`: the field is present and not null. */
export interface ExistsNode {
  kind: 'exists'
  field: string
  col: number
}

/** A field on its own (`blocked`, `ready`): true when its value is `true`. */
export interface TruthyNode {
  kind: 'truthy'
  field: string
  col: number
}

export interface NotNode {
  kind: 'not'
  operand: QueryAst
  col: number
}

export interface LogicalNode {
  kind: 'and' | 'or'
  /** Two or more. `a and b and c` is one node; `(a and b) and c` nests, as written. */
  operands: QueryAst[]
  col: number
}

export type QueryAst = CompareNode | InNode | HasNode | ExistsNode | TruthyNode | NotNode | LogicalNode
