/**
 * Control characters other than tab and line breaks, shown as `\u001b` and the like: a title such
 * as `"\e]0;…\a"` is valid YAML, and printed raw it would drive the reader's terminal.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
