// orders/*: mirror the order, then converge its points (the loyalty engine computes the target from the stored state).
import { haravanIdOnlySchema, haravanOrderSchema } from '../../server/haravan/mappers.ts'
import { insertOrderCustomer, markOrderDeleted, upsertOrder } from '../../server/haravan/store.ts'
import { convergeOrder } from '../../server/loyalty/order-points.ts'
import { topicHandler } from './handler.ts'

const upsert = topicHandler(haravanOrderSchema, async (tx, shopId, order, now) => {
  // Convergence is idempotent, so running it on a stale delivery would be harmless; skipping saves the work.
  // A buyer never seen before is known from the order itself (so auto-activation makes it a member at once).
  await insertOrderCustomer(tx, shopId, order, now)
  if (await upsertOrder(tx, shopId, order, now) === 'stale') return
  await convergeOrder(tx, shopId, order.id, now)
})

const remove = topicHandler(haravanIdOnlySchema, async (tx, shopId, { id }, now) => {
  await markOrderDeleted(tx, shopId, id, now)
  await convergeOrder(tx, shopId, id, now)
})

export const orderTopics = {
  'orders/create': upsert,
  'orders/updated': upsert,
  'orders/paid': upsert,
  'orders/cancelled': upsert,
  'orders/fulfilled': upsert,
  'orders/delete': remove,
}
