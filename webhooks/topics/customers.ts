// customers/create, customers/update: mirror the customer, then let the loyalty engine react (activation, identifiers).
import { haravanCustomerSchema } from '../../server/haravan/mappers.ts'
import { upsertCustomer } from '../../server/haravan/store.ts'
import { applyCustomerEffects } from '../../server/loyalty/effects.ts'
import { topicHandler } from './handler.ts'

const upsert = topicHandler(haravanCustomerSchema, async (tx, shopId, customer, now) => {
  // A stale version changes nothing, so there is nothing for the loyalty side to react to.
  if (await upsertCustomer(tx, shopId, customer, now) === 'stale') return
  await applyCustomerEffects(tx, shopId, customer.id, now)
})

export const customerTopics = {
  'customers/create': upsert,
  'customers/update': upsert,
}
