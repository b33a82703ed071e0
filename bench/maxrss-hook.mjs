// Loaded with NODE_OPTIONS=--import by bench/run.mjs when GNU time is missing: records the
// process's peak resident set size (KiB) in the file PSP_BENCH_RSS_FILE names when it exits.
import fs from 'node:fs'

const file = process.env.PSP_BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, `${process.resourceUsage().maxRSS}\n`)
    } catch {
      // A measurement aid must never change how the measured command ends.
    }
  })
}
