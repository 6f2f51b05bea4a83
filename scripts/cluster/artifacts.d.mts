// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/**
 * Runs Maven once per version; later calls find the `.complete` marker. Resolution goes to a private temp dir that
 * is renamed into place, so a concurrent `up` in another process never sees a half-copied libs dir.
 * @returns {Promise<string>} the libs dir (for `-cp '<libs>/*'`)
 */
export function ensureKafka(version?: string): Promise<string>;
/**
 * The Maven artifact with classifier `all` is a tar.gz of a packaged Quarkus app, run with `java -jar`: 2.x ships
 * the "legacy-jar" layout (`apicurio-registry-app-<v>-runner.jar` + `lib/`), 3.x the "fast-jar" one
 * (`quarkus-run.jar` + `lib/ app/ quarkus/`). It is unpacked once into `.cache/apicurio/<version>`.
 * @returns {Promise<string>} path of the jar to run
 */
export function ensureApicurio(version?: string): Promise<string>;
