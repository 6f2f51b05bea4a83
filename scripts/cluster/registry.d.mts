// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
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
