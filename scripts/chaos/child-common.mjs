// Shared by the chaos run's child processes: options from argv, reports to the parent over IPC, peak RSS.
import { pathToFileURL } from 'node:url'

/** @type {Record<string, any>} */
export const options = JSON.parse(process.argv[2] ?? '{}')

/**
 * Sends a report to the parent and resolves once it has been written to the IPC channel, so that a report sent
 * before a handler returns is out of this process before anything that handler allows (a commit) can happen.
 * @param {Record<string, unknown>} message
 * @returns {Promise<void>}
 */
export function report(message) {
  return new Promise((resolve) => {
    if (!process.connected) return resolve()
    process.send?.(message, () => resolve())
  })
}

/** The kafkit module under test (`dist/index.js` by default, or transpiled sources). */
export async function loadKafkit() {
  return import(pathToFileURL(options.kafkit).href)
}

/** Peak RSS in bytes (the kernel's high-water mark), reported every second and on request. */
export function peakRss() {
  return process.resourceUsage().maxRSS * 1024
}
setInterval(() => {
  void report({ type: 'rss', peakRss: peakRss() })
}, 1_000).unref()

/** Any failure a child does not handle itself is reported, then the process exits non-zero. */
export function fail(/** @type {unknown} */ err) {
  const e = /** @type {Error & { code?: string }} */ (err)
  void report({
    type: 'fatal',
    message: `${e?.code ?? ''} ${e?.message ?? String(err)}`.trim(),
    stack: e?.stack,
  }).finally(() => process.exit(3))
}
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)
// The parent going away (its own crash) must not leave children running.
process.on('disconnect', () => process.exit(4))
