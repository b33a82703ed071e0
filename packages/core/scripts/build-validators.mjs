// Precompiles the settings schema and the built-in document types' schemas to standalone
// CommonJS validators (dist/validators/), so that opening a workspace or checking a document does
// not import and run ajv's compiler: ~50 ms off every command that validates. The options must
// stay those of makeAjv() in src/schemas.ts (a unit test compares the two on invalid documents).
// CommonJS because ajv's standalone output still calls require() (ajv#1976).
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const {Ajv, _} = require('ajv')
const addFormats = require('ajv-formats').default
const standaloneCode = require('ajv/dist/standalone').default

const here = path.dirname(fileURLToPath(import.meta.url))
const out = path.join(here, '..', 'dist', 'validators')
fs.mkdirSync(out, {recursive: true})
const read = (name) => JSON.parse(fs.readFileSync(path.join(here, '..', 'schemas', `${name}.json`), 'utf8'))
// `formats` names where the generated code finds format checks. ajv-formats would set it itself,
// but with its own copy of ajv's code generator, which serialises wrongly into ours.
const formats = _`require("ajv-formats/dist/formats").fullFormats`
const options = {allErrors: true, strict: true, allowUnionTypes: true, code: {source: true, formats}}
const write = (name, ajv, validate) => fs.writeFileSync(path.join(out, `${name}.cjs`), standaloneCode(ajv, validate))

const settingsAjv = addFormats(new Ajv(options))
write('settings', settingsAjv, settingsAjv.compile(read('settings')))

const templateAjv = addFormats(new Ajv(options))
write('template', templateAjv, templateAjv.compile(read('template')))

for (const name of ['project', 'task', 'milestone', 'note', 'decision']) {
  const ajv = addFormats(new Ajv({...options, strictRequired: false}))
  ajv.addSchema(read('document'))
  write(name, ajv, ajv.compile(read(name)))
}
