// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/**
 * Whether `pid` is a live process. A zombie still answers `kill(pid, 0)`, so look at /proc: a SIGKILLed child of a
 * live parent stays a zombie until reaped and must count as dead.
 * @param {number | null | undefined} pid
 * @returns {boolean}
 */
export function isAlive(pid: number | null | undefined): boolean;
/**
 * Every JVM we start carries `-Dkafkit.cluster=<dir>`; a pid whose command line lacks it was reused by the system
 * for something else and must not be signalled.
 * @param {number | null | undefined} pid @param {string} dir
 * @returns {boolean}
 */
export function isOurs(pid: number | null | undefined, dir: string): boolean;
/**
 * SIGTERM (or SIGKILL), then SIGKILL if still alive after `timeoutMs`; nothing for a pid that is not ours.
 * @param {number | null | undefined} pid @param {string} dir @param {{ kill?: boolean, timeoutMs?: number }} [opts]
 * @returns {Promise<void>}
 */
export function stopPid(pid: number | null | undefined, dir: string, { kill, timeoutMs }?: {
    kill?: boolean;
    timeoutMs?: number;
}): Promise<void>;
/**
 * Starts a JVM detached with stdio in a file, so it outlives the CLI that started it and never writes to its console.
 * @param {string} java @param {string[]} args @param {string} outFile @param {string} cwd
 * @returns {import('node:child_process').ChildProcess}
 */
export function spawnJvm(java: string, args: string[], outFile: string, cwd: string): import("node:child_process").ChildProcess;
/**
 * Rejects as soon as the process exits: a JVM that dies during startup (port taken, bad config) fails `up` at once
 * instead of after the readiness deadline. `cancel` stops watching.
 * @param {import('node:child_process').ChildProcess} child @param {string} what @param {string[]} logs
 * @returns {{ promise: Promise<never>, cancel: () => void }}
 */
export function exitWatch(child: import("node:child_process").ChildProcess, what: string, logs: string[]): {
    promise: Promise<never>;
    cancel: () => void;
};
