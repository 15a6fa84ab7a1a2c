// One error handler and one not-found handler: every error leaves in the contract's shape; 5xx details stay in the log.
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { ZodError } from 'zod'
import { AppError } from '../errors.ts'
import { REQUEST_PARTS } from '../zod-vi.ts'

export interface ErrorBody { statusCode: number, error: string, message: string, reqId: string, issues?: unknown[] }

export function sendError (reply: FastifyReply, request: FastifyRequest, statusCode: number, message: string, issues?: unknown[]) {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, reqId: String(request.id) }
  if (issues) body.issues = issues
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body)
}

function zodIssues (err: ZodError) {
  return err.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code }))
}

async function errorHandlerPlugin (app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: [err.validationContext ?? 'request', ...String(v.instancePath).split('/').filter(Boolean)], message: v.message, code: v.params?.issue && typeof v.params.issue === 'object' ? (v.params.issue as { code?: string }).code : undefined }))
      const where = (path: string[]) => [REQUEST_PARTS[path[0] ?? ''] ?? 'yêu cầu', ...path.slice(1)].join(' › ')
      return sendError(reply, request, 400, `Dữ liệu không hợp lệ: ${issues.map((i) => `${where(i.path)} ${i.message}`).join('; ')}`, issues)
    }
    if (err instanceof ZodError) {
      const issues = zodIssues(err)
      return sendError(reply, request, 400, `Dữ liệu không hợp lệ: ${issues.map((i) => `${i.path.join(' › ') || 'dữ liệu'} ${i.message}`).join('; ')}`, issues)
    }
    if (err instanceof AppError) {
      return sendError(reply, request, err.statusCode, err.message, err.details?.issues)
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status < 500) {
      request.log.info({ err }, 'request rejected')
      return sendError(reply, request, status, err.message)
    }
    request.log.error({ err: loggedError(err) }, 'request failed')
    return sendError(reply, request, status, 'Đã có lỗi xảy ra phía máy chủ. Vui lòng thử lại sau.')
  })
}

/**
 * A 5xx as logged: the innermost cause's name and message (the database's own words) and the outer stack. Drizzle's
 * wrapper message repeats the failed query with its parameters, i.e. customers' personal data, so it is never logged.
 */
export function loggedError (err: unknown): { type: string, message: string, stack?: string } {
  let inner = err
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause
  const message = inner instanceof Error ? inner.message : String(inner)
  // The stack's frames only: its first lines repeat the message (which may span lines).
  const outerStack = err instanceof Error ? err.stack?.split('\n').filter(line => line.trimStart().startsWith('at ')).join('\n') : undefined
  return { type: inner instanceof Error ? inner.name : typeof inner, message: message.slice(0, 1000), stack: outerStack }
}

export default fp(errorHandlerPlugin, { name: 'error-handler' })
