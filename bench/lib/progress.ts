/**
 * One progress bar per run on a terminal; on anything else (CI logs) one line when a run ends.
 * @module
 */

const WIDTH = 28

/** A progress bar for one run. */
export class ProgressBar {
  private readonly interactive: boolean
  private readonly startedAt = Date.now()
  private lastDraw = 0

  /**
   * @param label - what is running, e.g. `produce r1/3 kafkit`
   * @param total - the count that fills the bar; 0 for a time-only bar (external tools)
   * @param stream - where to draw
   */
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.interactive = Boolean(stream.isTTY)
    this.update(0)
  }

  /** Redraws with `done` out of the total (at most every 100 ms). */
  update(done: number): void {
    if (!this.interactive) return
    const now = Date.now()
    if (now - this.lastDraw < 100 && done < this.total) return
    this.lastDraw = now
    this.stream.write(`\r${renderBar(this.label, done, this.total, now - this.startedAt)}\x1b[K`)
  }

  /** Ends the bar with a summary of the run. */
  finish(summary: string): void {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1)
    const line = `${this.label.padEnd(34)} ${summary} (${seconds}s)`
    this.stream.write(this.interactive ? `\r${line}\x1b[K\n` : `${line}\n`)
  }
}

/** Renders one bar line; exported for tests. */
export function renderBar(label: string, done: number, total: number, elapsedMs: number): string {
  const seconds = (elapsedMs / 1000).toFixed(1)
  if (total <= 0) {
    const position = Math.floor(elapsedMs / 150) % WIDTH
    const bar = ' '.repeat(position) + '=' + ' '.repeat(WIDTH - position - 1)
    return `${label.padEnd(34)} [${bar}] ${seconds}s`
  }
  const fraction = Math.max(0, Math.min(1, done / total))
  const filled = Math.round(fraction * WIDTH)
  const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled)
  return `${label.padEnd(34)} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${seconds}s`
}
