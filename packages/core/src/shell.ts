/**
 * Quoting for POSIX sh, for the command lines psp writes where git will run them (hook scripts,
 * the merge driver in git config), and reading those lines back.
 */

/** Quotes a string for sh: inside single quotes nothing is special but the quote itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** The value of one word `shQuote` wrote. */
export function shUnquote(value: string): string {
  return value.replace(/^'|'$/g, '').replace(/'\\''/g, "'")
}

/** Git for Windows runs hooks and merge drivers with its own sh, which takes `C:/…` better than `C:\…`. */
export function shPath(file: string): string {
  return process.platform === 'win32' ? file.replace(/\\/g, '/') : file
}

/**
 * The words of a simple command line: single-quoted parts, backslash escapes and bare text,
 * split at unquoted blanks. Enough for the lines psp writes; no expansions, no double quotes'
 * escapes beyond the quote itself.
 */
export function shWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1)
      const stop = end === -1 ? line.length : end
      word = (word ?? '') + line.slice(i + 1, stop)
      i = stop
    } else if (c === '"') {
      let text = ''
      for (i++; i < line.length && line[i] !== '"'; i++) text += line[i] === '\\' && line[i + 1] === '"' ? line[++i] : line[i]
      word = (word ?? '') + text
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i]
    } else {
      word = (word ?? '') + c
    }
  }
  if (word !== undefined) words.push(word)
  return words
}
