// The small error tree every route throws; the error handler turns each into the contract's error shape.
export class AppError extends Error {
  constructor (readonly statusCode: number, message: string, readonly details?: { issues?: unknown[] }) {
    super(message)
    this.name = new.target.name
  }
}

export class BadRequestError extends AppError {
  constructor (message: string, issues?: unknown[]) { super(400, message, issues ? { issues } : undefined) }
}
export class UnauthorizedError extends AppError {
  constructor (message = 'Phiên làm việc không hợp lệ hoặc đã hết hạn') { super(401, message) }
}
export class ForbiddenError extends AppError {
  constructor (message: string) { super(403, message) }
}
export class NotFoundError extends AppError {
  constructor (message = 'Không tìm thấy') { super(404, message) }
}
export class ConflictError extends AppError {
  constructor (message: string) { super(409, message) }
}
/** The request was understood but the outside world said no (an SMTP server, an SMS provider); the message says why. */
export class UnprocessableError extends AppError {
  constructor (message: string) { super(422, message) }
}
