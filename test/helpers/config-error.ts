import { expect } from 'vitest'
import { ConfigError } from '../../src/index.js'

/** Runs `fn`, asserts it throws a ConfigError, and returns it for further checks. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}
