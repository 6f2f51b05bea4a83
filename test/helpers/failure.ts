/** What `run` threw or rejected with; fails the test if it succeeded. */
export async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected a failure, but the call succeeded')
}
