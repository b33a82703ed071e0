#!/usr/bin/env node
// The floors psp's reading commands are measured against: the least any tool must spend to look
// at every document without a cache. It walks data/ the way psp does (no dot-folders, no
// data/cache or data/templates, `.md` files but README.md) and either stats each file or reads
// its bytes. Prints the number of documents, so the benchmark can check the walk saw them all.
// Usage: node bench/floor.mjs stat|read <workspace>
import fs from 'node:fs'
import path from 'node:path'

const [mode, root = '.'] = process.argv.slice(2)
if (mode !== 'stat' && mode !== 'read') {
  process.stderr.write('usage: node bench/floor.mjs stat|read <workspace>\n')
  process.exit(2)
}
const skip = new Set([path.join(root, 'data', 'cache'), path.join(root, 'data', 'templates')])
const touch = mode === 'stat' ? (file) => fs.statSync(file) : (file) => fs.readFileSync(file)
let count = 0

function walk(dir) {
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const child = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !skip.has(child)) walk(child)
    } else if (entry.isFile() && entry.name.endsWith('.md') && !entry.name.startsWith('.') && entry.name.toLowerCase() !== 'readme.md') {
      touch(child)
      count++
    }
  }
}

walk(path.join(root, 'data'))
process.stdout.write(`${count}\n`)
