// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/**
 * Resolves after `ms` milliseconds.
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function delay(ms: number): Promise<void>;
/**
 * Polls `cond` until it holds; throws naming `what` after `timeoutMs`.
 * @param {() => boolean} cond @param {number} timeoutMs @param {string} what
 * @returns {Promise<void>}
 */
export function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void>;
/**
 * The last `lines` lines of `text`.
 * @param {string} text @param {number} lines
 * @returns {string}
 */
export function tail(text: string, lines: number): string;
/**
 * The last lines of each existing file, labelled, for error messages.
 * @param {string[]} files @param {number} [lines]
 * @returns {Promise<string>}
 */
export function logTails(files: string[], lines?: number): Promise<string>;
