// Generated from the JSDoc of the .mjs beside this file by scripts/gen-cluster-types.mjs: do not edit.
/** Repository root (this file lives in `<root>/scripts/cluster`). */
export const ROOT: string;
/** The Kafka version a cluster runs. */
export const KAFKA_VERSION: string;
/** The Apicurio schema registry version a cluster runs. */
export const APICURIO_VERSION: string;
/** The java binary that runs Kafka. */
export const JAVA: string;
/** The java binary that runs the registry. */
export const REGISTRY_JAVA: string;
/** The Maven project that resolves the jars. */
export const POM: string;
/** Where resolved jars are kept between runs. */
export const CACHE: string;
/** The state dir used when none is given. */
export const DEFAULT_DIR: string;
/** How long `up` and `startNode` wait for readiness by default. */
export const READY_TIMEOUT_MS: 120000;
/** How long a stopped process gets before SIGKILL. */
export const STOP_TIMEOUT_MS: 20000;
/** The interval of every readiness poll. */
export const POLL_MS: 200;
