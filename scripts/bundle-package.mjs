// Bundles a workspace package's compiled entry points (tsc's output in dist/) into a few files,
// in place: dist/index.js and dist/runtime.js become bundles that share chunks. Node loads an
// ES module graph file by file; the core's ~50 modules cost ~30 ms of every command's start-up,
// the bundle ~10 ms (docs/decisions.md). Dependencies stay external imports, so each is loaded
// once per process, and the .d.ts files tsc wrote still describe the public API.
// Entries after `--whole` become one self-contained file each, sharing no chunk: for a process
// that loads nothing else of the package (the core's `quick` entry).
// Usage: node scripts/bundle-package.mjs <package dir> <entry> [<entry> …] [--whole <entry> …]
import fs from 'node:fs'
import path from 'node:path'
import {build} from 'esbuild'

const [dir, ...rest] = process.argv.slice(2)
const cut = rest.indexOf('--whole')
const entries = cut === -1 ? rest : rest.slice(0, cut)
const wholes = cut === -1 ? [] : rest.slice(cut + 1)
if (dir === undefined || entries.length === 0) {
  console.error('usage: bundle-package.mjs <package dir> <entry> [<entry> …] [--whole <entry> …]')
  process.exit(2)
}
const dist = path.resolve(dir, 'dist')
for (const name of fs.readdirSync(dist)) {
  if (/^chunk-.*\.js(\.map)?$/.test(name)) fs.rmSync(path.join(dist, name))
}
const common = {
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Every bare import (dependencies, node: builtins, other workspace packages) stays an import.
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
}
// The whole files first, from tsc's output: the split build below overwrites the entries they import.
for (const entry of wholes) {
  await build({...common, entryPoints: [path.join(dist, entry)], outdir: undefined, outfile: path.join(dist, entry)})
}
await build({
  ...common,
  entryPoints: entries.map((entry) => path.join(dist, entry)),
  splitting: true,
  chunkNames: 'chunk-[hash]',
})
