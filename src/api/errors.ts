// Every failure becomes JSON `{"error": …, "details"?: […]}` with the right status: 400 for a client's mistake
// (naming the field and what is allowed), 503 while a model is not loaded, 500 only for our own faults.
// Schema validation only decides valid/invalid (compiled, fast); the explanation comes from src/contract's rules,
// so the API words errors exactly like the producer and the consumer do.
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify'
import {
  createValidator,
  formatFieldErrors,
  type FieldError as RecordFieldError,
} from '../contract/validate.ts'
import { isTrafficError } from '../errors.ts'
import { featuresOf, type ModelId, SERVED_MODELS, type ServedModel } from '../serving/model-catalog.ts'
import { UnseenLabelError } from '../serving/stages/string-indexer.ts'
import type { ErrorResponse, FieldError } from './schemas.ts'

declare module 'fastify' {
  /** Route config telling the error handler which model's columns a body holds. */
  interface FastifyContextConfig {
    model?: ModelId
    batch?: boolean
  }
}

/** Reported per response, and where describing a batch stops: 10,000 bad rows would make megabytes of errors. */
const MAX_DETAILS = 50

const VALIDATORS = new Map(
  SERVED_MODELS.map((model) => [model.id, createValidator(featuresOf(model), { plausible: true })]),
)

function recordErrors(model: ServedModel, record: unknown, index?: number): FieldError[] {
  const result = VALIDATORS.get(model.id)?.(record)
  if (!result || result.ok) return []
  return result.errors.map((error: RecordFieldError) => ({
    ...error,
    ...(index === undefined ? {} : { index }),
  }))
}

interface SchemaError {
  instancePath: string
  keyword: string
  message?: string
}

/** The bad rows of a batch, in order, up to MAX_DETAILS problems (the body parser already bounded its length). */
function batchErrors(model: ServedModel, body: unknown): FieldError[] {
  if (!Array.isArray(body)) {
    return [
      {
        field: null,
        message: `expected a JSON array of records (got ${body === null ? 'null' : typeof body})`,
      },
    ]
  }
  const details: FieldError[] = []
  for (let index = 0; index < body.length && details.length < MAX_DETAILS; index++) {
    details.push(...recordErrors(model, body[index], index))
  }
  return details
}

/** Field errors for a body the route schema rejected. */
function describeInvalidBody(
  config: FastifyContextConfig,
  body: unknown,
  errors: readonly SchemaError[],
): FieldError[] {
  const model = SERVED_MODELS.find((candidate) => candidate.id === config.model)
  const described = model ? (config.batch ? batchErrors(model, body) : recordErrors(model, body)) : []
  if (described.length > 0) return described
  // Not a predict body, or the two validators disagree: fall back to the schema's own words.
  return schemaErrors(errors)
}

function schemaErrors(errors: readonly SchemaError[]): FieldError[] {
  return errors.map((error) => ({
    field: error.instancePath.replace(/^\//, '') || null,
    message: `${error.message ?? error.keyword}`,
  }))
}

function formatDetails(details: readonly FieldError[]): string {
  const byRow = details.map((detail) => {
    const text = formatFieldErrors([
      { field: detail.field as RecordFieldError['field'], message: detail.message },
    ])
    return detail.index === undefined ? text : `row ${detail.index}: ${text}`
  })
  const count = byRow.length < MAX_DETAILS ? `${byRow.length}` : `${MAX_DETAILS} or more`
  return byRow.slice(0, 5).join('; ') + (byRow.length > 5 ? `; … (${count} problems in all)` : '')
}

/** The 400 answer naming each bad field. */
export function invalidInput(details: FieldError[]): ErrorResponse {
  return { error: `Invalid input: ${formatDetails(details)}`, details: details.slice(0, MAX_DETAILS) }
}

const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body: it does not parse as JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty body: send a JSON object (Content-Type: application/json)',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type: send JSON with Content-Type: application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body too large',
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation) {
      const details =
        error.validationContext === 'body'
          ? describeInvalidBody(request.routeOptions.config, request.body, error.validation)
          : schemaErrors(error.validation)
      return reply.code(400).send(invalidInput(details))
    }
    if (error instanceof UnseenLabelError) {
      return reply.code(400).send(invalidInput([{ field: error.column, message: error.detail }]))
    }
    if (isTrafficError(error, 'INVALID_INPUT')) return reply.code(400).send({ error: error.message })
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: CLIENT_ERRORS[error.code] ?? error.message })
    }
    // The details (paths, internals) go to the log only.
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({ error: 'Internal error: the server log has the details' })
  })

  // Methods by path, to tell a wrong method (405 + Allow) from an unknown path (404).
  const methodsByPath = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = methodsByPath.get(route.url) ?? new Set<string>()
    for (const method of [route.method].flat()) methods.add(method)
    methodsByPath.set(route.url, methods)
  })

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?', 1)[0] as string
    const allowed = methodsByPath.get(pathname)
    if (allowed && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ')
      return reply
        .code(405)
        .header('allow', allow)
        .send({ error: `${request.method} is not allowed on ${pathname}; allowed: ${allow}` })
    }
    return reply.code(404).send({ error: `No route ${request.method} ${pathname}; see /docs for the API` })
  })
}
