// Small waits and log tails shared by the cluster modules.
import { open } from 'node:fs/promises'
import { POLL_MS } from './config.mjs'

/**
 * Resolves after `ms` milliseconds.
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function delay(ms) {
  return new Promise((res) => setTimeout(res, ms))
}

/**
 * Polls `cond` until it holds; throws naming `what` after `timeoutMs`.
 * @param {() => boolean} cond @param {number} timeoutMs @param {string} what
 * @returns {Promise<void>}
 */
export async function waitUntil(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(POLL_MS)
  }
}

/**
 * The last `lines` lines of `text`.
 * @param {string} text @param {number} lines
 * @returns {string}
 */
export function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/**
 * The last lines of each existing file, labelled, for error messages.
 * @param {string[]} files @param {number} [lines]
 * @returns {Promise<string>}
 */
export async function logTails(files, lines = 40) {
  const parts = []
  for (const file of files) {
    try {
      const fh = await open(file, 'r')
      try {
        const { size } = await fh.stat()
        const length = Math.min(size, 16 * 1024)
        const buf = Buffer.alloc(length)
        await fh.read(buf, 0, length, size - length)
        const text = tail(buf.toString('utf8'), lines)
        if (text) parts.push(`--- tail of ${file} ---\n${text}`)
      } finally {
        await fh.close()
      }
    } catch {
      // not written yet
    }
  }
  return parts.join('\n') || '(no log output)'
}
