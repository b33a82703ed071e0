/**
 * psp sync's convergence property, half one of two (the halves run on two cores): see
 * test/helpers/sync-property.ts. 2 × 50 runs here, 200 with the other half.
 */
import {convergenceProperty} from '../helpers/sync-property.js'

convergenceProperty({workers: 2, runs: Number(process.env['PSP_SYNC_PROPERTY_RUNS'] ?? 50), seed: 4242})
