// Where a local test cluster's pieces come from and how long it waits for them: the repository's root, Kafka's and
// Apicurio's versions, the JVMs that run them, and the default state dir. Every value can be overridden from the
// environment (KAFKIT_KAFKA_VERSION, KAFKIT_APICURIO_VERSION, KAFKIT_JAVA, KAFKIT_REGISTRY_JAVA, KAFKIT_CLUSTER_DIR).
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root (this file lives in `<root>/scripts/cluster`). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The Kafka version a cluster runs. */
export const KAFKA_VERSION = process.env.KAFKIT_KAFKA_VERSION ?? '4.1.1'
// 2.6.x runs on Java 17; 3.x needs a newer JVM (set KAFKIT_REGISTRY_JAVA, e.g. the Temurin 25 JDK's bin/java).
/** The Apicurio schema registry version a cluster runs. */
export const APICURIO_VERSION = process.env.KAFKIT_APICURIO_VERSION ?? '2.6.13.Final'
/** The java binary that runs Kafka. */
export const JAVA = process.env.KAFKIT_JAVA ?? 'java'
/** The java binary that runs the registry. */
export const REGISTRY_JAVA = process.env.KAFKIT_REGISTRY_JAVA ?? JAVA
/** The Maven project that resolves the jars. */
export const POM = join(ROOT, 'scripts/cluster/pom.xml')
/** Where resolved jars are kept between runs. */
export const CACHE = join(ROOT, '.cache')
/** The state dir used when none is given. */
export const DEFAULT_DIR = process.env.KAFKIT_CLUSTER_DIR ?? join(ROOT, '.cluster')
/** How long `up` and `startNode` wait for readiness by default. */
export const READY_TIMEOUT_MS = 120_000
/** How long a stopped process gets before SIGKILL. */
export const STOP_TIMEOUT_MS = 20_000
/** The interval of every readiness poll. */
export const POLL_MS = 200
