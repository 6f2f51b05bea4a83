// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/**
 * The JVM arguments of a registry whose files live in `dir`: C1 only and the serial GC (the registry serves a few
 * requests per test, so startup and leaving the 2 cores to the brokers matter more than peak throughput), loopback
 * only, the `dir` marker that lets only this cluster's tools signal it, then `listener` (the HTTP or HTTPS port
 * settings) and the app's jar.
 * @param {string} dir @param {string} runner @param {string[]} listener
 * @returns {string[]}
 */
export function registryArgs(dir: string, runner: string, listener: string[]): string[];
/**
 * Starts the registry of the cluster in `dir` on `port` (`runner` is the app's jar) and returns its state and exit
 * watch. The app's default storage is in-memory H2: a fresh, empty registry per cluster.
 * @param {string} dir @param {string} runner @param {number} port
 * @returns {Promise<{ state: import('./state.mjs').RegistryState, watch: { promise: Promise<never>, cancel: () => void } }>}
 */
export function startRegistry(dir: string, runner: string, port: number): Promise<{
    state: import("./state.mjs").RegistryState;
    watch: {
        promise: Promise<never>;
        cancel: () => void;
    };
}>;
/**
 * Polls the registry's subjects until it answers 200; throws after `deadline` or when `signal` aborts.
 * @param {string} url @param {number} deadline @param {AbortSignal} signal
 * @returns {Promise<void>}
 */
export function waitForRegistry(url: string, deadline: number, signal: AbortSignal): Promise<void>;
