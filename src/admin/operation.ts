/**
 * The type of the functions that do the work of the {@link Admin} methods: each module-level admin operation is an
 * `AdminOperation<'methodName'>`, so that its arguments and result are those the method declares.
 * @module
 */
import type { Admin } from './admin.js'
import type { AdminContext } from './request.js'

/** The {@link Admin} methods that are admin calls: every method but connect and disconnect. */
export type AdminCallName = Exclude<keyof Admin, 'state' | 'connect' | 'disconnect'>

/**
 * The function that does the work of the {@link Admin} method `M`: it takes the client's {@link AdminContext}, then
 * the method's own arguments, and settles as the method does (the method's declaration is the only place that states
 * them).
 */
export type AdminOperation<M extends AdminCallName> = (
  context: AdminContext,
  ...args: Parameters<Admin[M]>
) => ReturnType<Admin[M]>
