/** The id argument of the record commands (its own module: show loads nothing else of the flags). */
import {Args} from '@oclif/core'

export const idArg = Args.string({description: 'Id or unique prefix (case-insensitive).', required: true})
