// Bundles the fast paths (dist/fast-path/*.js, tsc's output) in place, each into one file with
// what it imports from psp's own packages: @psp/command and the CLI's modules inlined, the core
// taken from its one-file `quick` entry. A fast path exists to start in little more than Node's
// own time, and Node loads an ES module graph file by file (docs/decisions.md).
// Usage: node scripts/bundle-fast-path.mjs
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = path.join(root, 'dist', 'fast-path')
const entries = fs.readdirSync(dir).filter((name) => name.endsWith('.js'))
// The core entries the CLI's modules import, all found in `quick` (which re-exports both).
const CORE_ENTRIES = new Set(['@psp/core/records', '@psp/core/runtime'])

for (const entry of entries) {
  const file = path.join(dir, entry)
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'psp-packages',
        setup(b) {
          b.onResolve({filter: /^@psp\/core(\/|$)/}, (args) => {
            if (!CORE_ENTRIES.has(args.path)) throw new Error(`${args.importer}: a fast path may import the core only through ${[...CORE_ENTRIES].join(', ')}, not ${args.path}`)
            return {path: '@psp/core/quick', external: true}
          })
          // Every other bare import but psp's own packages stays an import.
          b.onResolve({filter: /^[^./]/}, (args) => (args.path.startsWith('@psp/') ? undefined : {path: args.path, external: true}))
        },
      },
    ],
  })
}
