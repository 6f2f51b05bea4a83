/**
 * A typed, flat snapshot of librdkafka's statistics (the JSON a client emits every `statsIntervalMs`), in the units
 * a metrics system wants: milliseconds, counts and bytes, one entry per broker and per partition, `null` where
 * librdkafka has no value yet. librdkafka's own field names and units are in its STATISTICS.md.
 * @module
 */

/** One broker connection of a client. */
export interface BrokerSnapshot {
  /** librdkafka's name for the connection, e.g. `localhost:9092/1`. */
  readonly name: string
  /** The broker's node id; `-1` for a bootstrap connection. */
  readonly nodeId: number
  /** Connection state, e.g. `UP`, `DOWN`, `CONNECT`. */
  readonly state: string
  /** Requests waiting to be sent. */
  readonly outboundRequests: number
  /** Messages in those requests (producer). */
  readonly outboundMessages: number
  /** Requests sent and waiting for a response. */
  readonly waitingResponses: number
  /** Round-trip time over the last statistics window, ms: average and 99th percentile (`null` before any request). */
  readonly rttAvgMs: number | null
  readonly rttP99Ms: number | null
  /** Time the broker throttled the client over the last window, ms (quotas): average and maximum. */
  readonly throttleAvgMs: number | null
  readonly throttleMaxMs: number | null
  /** Totals since the client started. */
  readonly requestsSent: number
  readonly requestErrors: number
  readonly requestRetries: number
  readonly requestTimeouts: number
  readonly connects: number
  readonly disconnects: number
}

/** One partition as a client sees it. `null` fields have no value in librdkafka yet (or do not apply to the role). */
export interface PartitionSnapshot {
  readonly topic: string
  readonly partition: number
  /** The leader's node id, `-1` when unknown. */
  readonly leader: number
  /** Producer: messages waiting in librdkafka for this partition (queued and being sent). */
  readonly queuedMessages: number
  /** Producer: bytes of those messages. */
  readonly queuedBytes: number
  /** Consumer: messages fetched and waiting in librdkafka's fetch queue. */
  readonly fetchQueueMessages: number
  /** Consumer: high watermark minus the committed offset (librdkafka's `consumer_lag`). */
  readonly lag: number | null
  /** Consumer: high watermark minus the stored offset, i.e. counting processed but not yet committed messages. */
  readonly lagStored: number | null
  readonly committedOffset: number | null
  readonly storedOffset: number | null
  readonly lowWatermark: number | null
  readonly highWatermark: number | null
  /** Totals since the client started: messages and bytes sent (producer) or received (consumer). */
  readonly messagesSent: number
  readonly bytesSent: number
  readonly messagesReceived: number
  readonly bytesReceived: number
}

/** A consumer's group membership. */
export interface GroupSnapshot {
  /** Group coordinator state, e.g. `up`. */
  readonly state: string
  /** Join state, e.g. `steady`. */
  readonly joinState: string
  /** Rebalances since the client started. */
  readonly rebalances: number
  /** Partitions assigned to this member. */
  readonly assignedPartitions: number
}

/** Everything {@link statsSnapshot} returns. */
export interface StatsSnapshot {
  /** librdkafka's instance name (unique per client in the process), e.g. `rdkafka#producer-1`. */
  readonly client: string
  /** `producer` or `consumer` (an Admin emits no statistics). */
  readonly type: string
  /** Time since the client started, ms. */
  readonly ageMs: number
  /** Producer: messages and bytes in librdkafka's queue, waiting for delivery. */
  readonly queuedMessages: number
  readonly queuedBytes: number
  /** Totals since the client started. */
  readonly requestsSent: number
  readonly responsesReceived: number
  readonly messagesSent: number
  readonly bytesSent: number
  readonly messagesReceived: number
  readonly bytesReceived: number
  readonly brokers: readonly BrokerSnapshot[]
  /** Partitions librdkafka knows of for this client, in topic then partition order. */
  readonly partitions: readonly PartitionSnapshot[]
  /** Consumer in a group: its membership; otherwise `null`. */
  readonly group: GroupSnapshot | null
}

type Json = Readonly<Record<string, unknown>>

function num(object: Json | undefined, key: string): number {
  const value = object?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/** librdkafka's "no value" is -1 (or -1001 for offsets): `null` here. */
function offset(object: Json, key: string): number | null {
  const value = object[key]
  return typeof value === 'number' && value >= 0 ? value : null
}

/** librdkafka's statistics give names and states as strings; anything else (or nothing) reads as `''`. */
function text(object: Json, key: string): string {
  const value = object[key]
  return typeof value === 'string' ? value : ''
}

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null ? (value as Json) : undefined
}

/** A latency window (µs in librdkafka) in ms, `null` when it counted nothing. */
function windowMs(window: Json | undefined, key: 'avg' | 'p99' | 'max', scale: number): number | null {
  if (window === undefined || num(window, 'cnt') === 0) return null
  return num(window, key) / scale
}

function broker(value: Json): BrokerSnapshot {
  const rtt = object(value.rtt)
  const throttle = object(value.throttle)
  return {
    name: text(value, 'name'),
    nodeId: typeof value.nodeid === 'number' ? value.nodeid : -1,
    state: text(value, 'state'),
    outboundRequests: num(value, 'outbuf_cnt'),
    outboundMessages: num(value, 'outbuf_msg_cnt'),
    waitingResponses: num(value, 'waitresp_cnt'),
    // rtt is in microseconds, throttle in milliseconds.
    rttAvgMs: windowMs(rtt, 'avg', 1000),
    rttP99Ms: windowMs(rtt, 'p99', 1000),
    throttleAvgMs: windowMs(throttle, 'avg', 1),
    throttleMaxMs: windowMs(throttle, 'max', 1),
    requestsSent: num(value, 'tx'),
    requestErrors: num(value, 'txerrs'),
    requestRetries: num(value, 'txretries'),
    requestTimeouts: num(value, 'req_timeouts'),
    connects: num(value, 'connects'),
    disconnects: num(value, 'disconnects'),
  }
}

function partition(topic: string, value: Json): PartitionSnapshot {
  return {
    topic,
    partition: num(value, 'partition'),
    leader: typeof value.leader === 'number' ? value.leader : -1,
    queuedMessages: num(value, 'msgq_cnt') + num(value, 'xmit_msgq_cnt'),
    queuedBytes: num(value, 'msgq_bytes') + num(value, 'xmit_msgq_bytes'),
    fetchQueueMessages: num(value, 'fetchq_cnt'),
    lag: offset(value, 'consumer_lag'),
    lagStored: offset(value, 'consumer_lag_stored'),
    committedOffset: offset(value, 'committed_offset'),
    storedOffset: offset(value, 'stored_offset'),
    lowWatermark: offset(value, 'lo_offset'),
    highWatermark: offset(value, 'hi_offset'),
    messagesSent: num(value, 'txmsgs'),
    bytesSent: num(value, 'txbytes'),
    messagesReceived: num(value, 'rxmsgs'),
    bytesReceived: num(value, 'rxbytes'),
  }
}

/**
 * Turns librdkafka's statistics (the `stats` event of a Producer or Consumer, or the `kafkit:*:stats` channels) into
 * a {@link StatsSnapshot}. The internal "unassigned" partition (-1) is left out.
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ brokers, groupId: 'billing', statsIntervalMs: 10_000 })
 * consumer.on('stats', (stats) => {
 *   for (const p of statsSnapshot(stats).partitions) lagGauge.set({ topic: p.topic, partition: p.partition }, p.lag ?? 0)
 * })
 * ```
 * @param stats - the parsed statistics JSON
 */
export function statsSnapshot(stats: Readonly<Record<string, unknown>>): StatsSnapshot {
  const brokers = Object.values(object(stats.brokers) ?? {}).map((value) => broker(object(value) ?? {}))
  const partitions: PartitionSnapshot[] = []
  for (const [name, topicValue] of Object.entries(object(stats.topics) ?? {})) {
    for (const value of Object.values(object(object(topicValue)?.partitions) ?? {})) {
      const entry = object(value)
      if (entry !== undefined && num(entry, 'partition') >= 0) partitions.push(partition(name, entry))
    }
  }
  partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  const cgrp = object(stats.cgrp)
  return {
    client: text(stats, 'name'),
    type: text(stats, 'type'),
    ageMs: num(stats, 'age') / 1000,
    queuedMessages: num(stats, 'msg_cnt'),
    queuedBytes: num(stats, 'msg_size'),
    requestsSent: num(stats, 'tx'),
    responsesReceived: num(stats, 'rx'),
    messagesSent: num(stats, 'txmsgs'),
    bytesSent: num(stats, 'txmsg_bytes'),
    messagesReceived: num(stats, 'rxmsgs'),
    bytesReceived: num(stats, 'rxmsg_bytes'),
    brokers,
    partitions,
    group:
      cgrp === undefined
        ? null
        : {
            state: text(cgrp, 'state'),
            joinState: text(cgrp, 'join_state'),
            rebalances: num(cgrp, 'rebalance_cnt'),
            assignedPartitions: num(cgrp, 'assignment_size'),
          },
  }
}
