import { once } from 'node:events'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Consumer } from '../../../src/consumer/index.js'
import { Producer } from '../../../src/producer/index.js'
import { Processor } from '../../../src/patterns/index.js'

/** A TCP listener standing in for a broker: it only counts the connections librdkafka opens. */
async function listener(): Promise<{ close: () => void; brokers: string; accepted: () => number }> {
  let accepted = 0
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    accepted++
    sockets.push(socket)
    socket.on('error', () => undefined)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const close = (): void => {
    for (const socket of sockets) socket.destroy()
    server.close()
  }
  return { close, brokers: `127.0.0.1:${(server.address() as AddressInfo).port}`, accepted: () => accepted }
}

const listeners: Array<() => void> = []
afterEach(() => {
  for (const close of listeners.splice(0)) close()
})

describe('clients connect only in connect()', () => {
  it('a constructed Producer, Consumer and Processor open no connection; connect() does', async () => {
    const broker = await listener()
    listeners.push(broker.close)
    const producer = new Producer({ brokers: broker.brokers })
    const consumer = new Consumer({ brokers: broker.brokers, groupId: 'g' })
    const processor = new Processor({
      brokers: broker.brokers,
      groupId: 'g',
      transactionalId: 't',
      input: { a: {} },
      output: { b: {} },
      handle: () => undefined,
    })
    expect(processor.state).toBe('idle')
    // librdkafka connected to its bootstrap brokers within milliseconds of creating a handle.
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(broker.accepted()).toBe(0)

    const connecting = new Producer({ brokers: broker.brokers, connectTimeoutMs: 1000 })
    const failed = connecting.connect().catch((error: unknown) => error)
    await expect.poll(() => broker.accepted(), { timeout: 5000 }).toBeGreaterThan(0)
    expect(await failed).toBeInstanceOf(Error)
    await Promise.all([producer.disconnect(), consumer.disconnect(), processor.stop(), connecting.disconnect()])
  })
})
