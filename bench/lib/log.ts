/**
 * The bench's progress log: lines on stderr, so that stdout stays free for child protocol output.
 * @module
 */

/** Writes one line of progress to stderr. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`)
}
