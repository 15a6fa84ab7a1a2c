// The topic registry: Haravan's spellings mapped to one canonical topic each, and the handler for each.
import { appTopics } from './app.ts'
import { customerTopics } from './customers.ts'
import type { TopicHandler } from './handler.ts'
import { orderTopics } from './orders.ts'

export type { TopicHandler } from './handler.ts'

const HANDLERS: Readonly<Record<string, TopicHandler>> = { ...customerTopics, ...orderTopics, ...appTopics }

// Apps see both spellings (HARAVAN.md); the inbox stores the canonical one so dedupe works across them.
const ALIASES: Readonly<Record<string, string>> = {
  'orders/update': 'orders/updated',
  'orders/cancel': 'orders/cancelled',
}

export function canonicalTopic (topic: string): string {
  const t = topic.trim().toLowerCase()
  return ALIASES[t] ?? t
}

/** The handler of a canonical topic, or undefined for a topic we do not act on. */
export function topicHandlerFor (topic: string): TopicHandler | undefined {
  return Object.hasOwn(HANDLERS, topic) ? HANDLERS[topic] : undefined
}

export const UNINSTALL_TOPIC = 'app/uninstalled'
