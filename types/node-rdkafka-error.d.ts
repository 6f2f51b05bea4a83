// node-rdkafka's LibrdKafkaError is an Error at run time (node-rdkafka/lib/error.js:
// `util.inherits(LibrdKafkaError, Error)`), but its typings declare a plain interface. This merge states what the
// run time does, so the tests and benchmark can reject promises with one and still be checked as rejecting with an
// Error (@typescript-eslint/prefer-promise-reject-errors). Types only; kafkit's own code does not use it.
import 'node-rdkafka'

declare module 'node-rdkafka' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge only adds the `extends Error` clause
  interface LibrdKafkaError extends Error {}
}
