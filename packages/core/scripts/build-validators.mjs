// Precompiles the settings schema to a standalone CommonJS validator (dist/validators/), so that
// opening a workspace does not import and run ajv's compiler: ~50 ms off every command.
// CommonJS because ajv's standalone output still calls require() (ajv#1976).
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const {Ajv} = require('ajv')
const addFormats = require('ajv-formats').default
const standaloneCode = require('ajv/dist/standalone').default

const here = path.dirname(fileURLToPath(import.meta.url))
const out = path.join(here, '..', 'dist', 'validators')
fs.mkdirSync(out, {recursive: true})
for (const name of ['settings']) {
  const schema = JSON.parse(fs.readFileSync(path.join(here, '..', 'schemas', `${name}.json`), 'utf8'))
  const ajv = new Ajv({allErrors: true, strict: true, allowUnionTypes: true, code: {source: true}})
  addFormats(ajv)
  const validate = ajv.compile(schema)
  fs.writeFileSync(path.join(out, `${name}.cjs`), standaloneCode(ajv, validate))
}
