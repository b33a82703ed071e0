/**
 * parseCommitMessage: which words after `closes`/`refs` keywords are read as ids, and how surely.
 * Prose must never turn into references ("Fix typo", "Fix e2e tests"), while every way people
 * write references (`Closes: 7kq`, `fixes #7kq, 9ab and task-x2`) must.
 */
import {describe, expect, it} from 'vitest'
import {parseCommitMessage, type MessageReference} from '@psp/core'

/** The references as `kind:id:strength` strings, for compact expectations. */
function refs(text: string, options = {}): string[] {
  return parseCommitMessage(text, options).map((r: MessageReference) => `${r.kind}:${r.id}:${r.strength}`)
}

describe('parseCommitMessage', () => {
  it('reads `closes <prefix>` after other words as a likely id', () => {
    expect(refs('Fix it, closes 7kq')).toEqual(['closes:7kq:likely'])
  })

  it('knows every closing keyword, in any case', () => {
    for (const keyword of ['close', 'closes', 'closed', 'fix', 'fixes', 'fixed', 'resolve', 'resolves', 'resolved', 'CLOSES', 'Fixed']) {
      expect(refs(`Work. ${keyword} 7kq`), keyword).toEqual(['closes:7kq:likely'])
    }
  })

  it('reads refs and ref as references that close nothing', () => {
    expect(refs('Work, refs 7kq')).toEqual(['refs:7kq:likely'])
    expect(refs('Work, ref #abc')).toEqual(['refs:abc:explicit'])
  })

  it('takes several ids separated by commas, and, & or blanks', () => {
    expect(refs('Work, closes 7kq, 9ab and 3xy & 4zz 5mm')).toEqual([
      'closes:7kq:likely',
      'closes:9ab:likely',
      'closes:3xy:likely',
      'closes:4zz:likely',
      'closes:5mm:likely',
    ])
    expect(refs('Work, closes 7kq, and 9ab')).toEqual(['closes:7kq:likely', 'closes:9ab:likely'])
  })

  it('accepts a colon after the keyword, as in a trailer', () => {
    expect(refs('Subject\n\nCloses: 7kq')).toEqual(['closes:7kq:likely'])
    expect(refs('Subject\n\nFixes:7kq')).toEqual(['closes:7kq:likely'])
  })

  it('reads #word and <type prefix>-word as explicit ids, whatever their letters', () => {
    expect(refs('Work, closes #kxm')).toEqual(['closes:kxm:explicit'])
    expect(refs('Work, closes #404')).toEqual(['closes:404:explicit'])
    expect(refs('Work, closes task-kxm')).toEqual(['closes:task-kxm:explicit'])
    expect(refs('Work, refs proj-login-page')).toEqual(['refs:proj-login-page:explicit'])
  })

  it('uses the workspace type prefixes it is given', () => {
    expect(refs('Work, closes bug-kxm')).toEqual([])
    expect(refs('Work, closes bug-kxm', {typePrefixes: ['bug']})).toEqual(['closes:bug-kxm:explicit'])
  })

  it('drops trailing punctuation and brackets', () => {
    expect(refs('Work (closes 7kq).')).toEqual(['closes:7kq:likely'])
    expect(refs('Work, closes 7kq; refs 9ab!')).toEqual(['closes:7kq:likely', 'refs:9ab:likely'])
    expect(refs('[closes 7kq]')).toEqual(['closes:7kq:likely'])
  })

  it('never reads prose as ids', () => {
    expect(refs('Fix typo')).toEqual([])
    expect(refs('Fix the layout, closes the dialog')).toEqual([])
    expect(refs('Fixes 404 page')).toEqual([])
    expect(refs('Fix utf8 decoding')).toEqual([])
    expect(refs('Fix pre-commit hook')).toEqual([])
    expect(refs('fix: handle empty lists')).toEqual([])
    expect(refs('fix(parser): 2 bugs')).toEqual([])
    expect(refs('Prefix, suffix and unfixed, closes')).toEqual([])
    expect(refs('auto-fix 7kq')).toEqual([])
  })

  it('only calls a word right after a keyword that opens the message possible', () => {
    expect(refs('Fix e2e tests')).toEqual(['closes:e2e:possible'])
    expect(refs('Fixes 7kq')).toEqual(['closes:7kq:possible'])
    expect(refs('Fixes #7kq')).toEqual(['closes:7kq:explicit'])
    expect(refs('\n\nFix e2e tests')).toEqual(['closes:e2e:possible'])
    expect(refs('Work\n\nFix e2e tests')).toEqual(['closes:e2e:likely'])
  })

  it('calls letters-only or digits-only words of 4+ id characters possible, shorter ones nothing', () => {
    expect(refs('Work, closes kxmz')).toEqual(['closes:kxmz:possible'])
    expect(refs('Work, closes 4096')).toEqual(['closes:4096:possible'])
    expect(refs('Work, closes kxm')).toEqual([])
    // i, l, o and u are not in the id alphabet.
    expect(refs('Work, closes login')).toEqual([])
  })

  it('ends the list at the first word that is not an id', () => {
    expect(refs('Work, closes 7kq the rest, 9ab')).toEqual(['closes:7kq:likely'])
    expect(refs('Work, closes 7kq/9ab')).toEqual([])
    expect(refs('Work, closes kxmz qrst, vwxy')).toEqual(['closes:kxmz:possible'])
    expect(refs('Work, closes kxmz, qrst and 7kq 9ab')).toEqual(['closes:kxmz:possible', 'closes:qrst:possible', 'closes:7kq:likely', 'closes:9ab:likely'])
    expect(refs("Work, fixes v2's crash")).toEqual([])
  })

  it('ignores comment lines and everything below the scissors line', () => {
    const text = [
      'Work, closes 7kq',
      '# Please enter the commit message. closes 9ab',
      '# ------------------------ >8 ------------------------',
      'diff --git a/x b/x',
      '+closes 3xy',
    ].join('\n')
    expect(refs(text)).toEqual(['closes:7kq:likely'])
  })

  it('uses the comment character it is given', () => {
    expect(refs('Work\n; closes 7kq', {commentChar: ';'})).toEqual([])
    expect(refs('Work\n# closes 7kq', {commentChar: ';'})).toEqual(['closes:7kq:likely'])
  })

  it('ignores code: fenced blocks and inline spans', () => {
    expect(refs('Work\n\n```\ngit commit -m "closes 7kq"\n```\nrefs 9ab')).toEqual(['refs:9ab:likely'])
    expect(refs('Work\n\n~~~\ncloses 7kq\n~~~')).toEqual([])
    expect(refs('Work: `closes 7kq` is the syntax, refs 9ab')).toEqual(['refs:9ab:likely'])
  })

  it('gives each reference its keyword as written and its line', () => {
    expect(parseCommitMessage('Subject\r\n\r\nCloses: 7kq')).toEqual([{kind: 'closes', keyword: 'Closes', id: '7kq', strength: 'likely', line: 3}])
  })
})
