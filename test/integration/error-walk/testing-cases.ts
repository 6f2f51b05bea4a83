/**
 * The failure cases of kafkit/testing (MockCluster), for error-walk.test.ts.
 */
import { MockCluster } from '../../../src/testing/index.js'
import { type FailureCase, mock } from './clients.js'

/** Every failure case of kafkit/testing. */
export const testingCases: FailureCase[] = [
  { name: 'MockCluster.start() with zero brokers', code: 'ERR_CONFIG', run: () => MockCluster.start({ brokers: 0 }) },
  {
    name: 'MockCluster.failRequests() of an unknown API',
    code: 'ERR_CONFIG',
    run: () => mock.failRequests('nope' as never, ['ERR_KAFKA_REQUEST_TIMED_OUT']),
  },
  {
    name: 'MockCluster.failRequests() with an unknown error',
    code: 'ERR_CONFIG',
    run: () => mock.failRequests('produce', ['ERR_NOPE']),
  },
  {
    name: 'MockCluster.setCoordinator() of an unknown key type',
    code: 'ERR_CONFIG',
    run: () => mock.setCoordinator('broker' as never, 'k', 1),
  },
  {
    name: 'MockCluster.bootstrapServers after stop()',
    code: 'ERR_STATE',
    run: async () => {
      const stopped = await MockCluster.start()
      await stopped.stop()
      return stopped.bootstrapServers
    },
  },
]
