/**
 * The type of the functions that do the work of the {@link Admin} calls: each module-level admin operation is an
 * `AdminOperation<'callName'>`, so that its arguments and result are those the call declares in {@link AdminCalls}.
 * @module
 */
import type { AdminCalls } from './calls.js'
import type { AdminContext } from './request.js'

/** The names of the {@link Admin} calls: every method but connect and disconnect. */
export type AdminCallName = keyof AdminCalls

/**
 * The function that does the work of the {@link Admin} call `M`: it takes the client's {@link AdminContext}, then
 * the call's own arguments, and settles as the call does (its declaration in {@link AdminCalls} is the only place
 * that states them).
 */
export type AdminOperation<M extends AdminCallName> = (
  context: AdminContext,
  ...args: Parameters<AdminCalls[M]>
) => ReturnType<AdminCalls[M]>
