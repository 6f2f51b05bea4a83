/** Clients a test file opens and must close at its end, whatever its tests did. */
import { afterAll } from 'vitest'

/**
 * Registers an afterAll that disconnects every client given to the returned `track`, which returns its argument
 * (so `const consumer = track(new Consumer(...))`).
 */
export function disconnectAfterAll(): <T extends { disconnect(): Promise<unknown> }>(client: T) => T {
  const open: Array<{ disconnect(): Promise<unknown> }> = []
  afterAll(async () => {
    await Promise.all(open.map((client) => client.disconnect()))
  })
  return (client) => {
    open.push(client)
    return client
  }
}
