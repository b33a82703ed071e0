/**
 * psp openspec against the real openspec CLI, case by case (test/helpers/openspec-diff.ts explains
 * the comparison; the cases are in test/fixtures/openspec/cases/). Part 2 of 3: the three files
 * share the corpus so that vitest's workers split it.
 */
import {differentialTests} from '../helpers/openspec-diff.js'

differentialTests(1, 3)
