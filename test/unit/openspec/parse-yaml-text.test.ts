/**
 * The YAML reader for OpenSpec metadata: its fast path for `key: value` files must give exactly
 * what the `yaml` library gives, and everything else must go through the library (errors too).
 */
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {parseYamlText} from '../../../packages/core/src/openspec/yaml-text.js'

const VALUES = ['spec-driven', 'true', 'false', 'null', '2024-01-01', 'yes', 'no', 'True', '1', '0o7', '~', 'a b', "'x'", '"y"', 'x # c', '', '-a', 'a-', 'a--b', '.inf', '2024-1-1']
const KEYS = ['schema', 'skip_specs', 'created', '__proto__', 'goal', 'Schema']

describe('parseYamlText', () => {
  it('gives the yaml library’s value for every mix of simple and not-so-simple lines', () => {
    for (const key of KEYS) {
      for (const value of VALUES) {
        for (const text of [`${key}: ${value}\n`, `# c\nschema: spec-driven\n${key}: ${value}`, `schema: spec-driven\n\n${key}:  ${value}  \n`, `${key}: ${value}\r\n`]) {
          let expected: unknown
          try {
            expected = {value: parse(text) as unknown}
          } catch (error) {
            expected = {error: (error as Error).message}
          }
          let actual: unknown
          try {
            actual = {value: parseYamlText(text)}
          } catch (error) {
            actual = {error: (error as Error).message}
          }
          expect(actual, JSON.stringify(text)).toEqual(expected)
        }
      }
    }
  })

  it('duplicate keys, nested values and empty files go through the library', () => {
    expect(() => parseYamlText('a: x\na: y\n')).toThrow()
    expect(parseYamlText('a:\n  - x\n')).toEqual({a: ['x']})
    expect(parseYamlText('')).toBeNull()
    expect(parseYamlText('# only a comment\n')).toBeNull()
  })
})
