import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CrmPayloadError } from '@app/crm';
import { VisitorErasedError } from '@app/db';

/** Postgres data exceptions (class 22) mean a value slipped past validation: the caller's fault, not ours. */
const isPgDataException = (error: unknown) =>
  typeof error === 'object' && error !== null && /^22/.test(String((error as { code?: unknown }).code ?? ''));

/** Fastify's own errors (invalid JSON, wrong content type, body too large) carry a 4xx statusCode. */
const fastifyClientStatus = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  fields?: string[];
}

export function errorBodyFor(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const status = exception.getStatus();
    // Nest wraps Fastify's body-parser errors (invalid JSON, wrong content type, too large) in a bare
    // HttpException with a string message; our own errors use the named subclasses.
    if (exception.constructor === HttpException && status < 500 && typeof response === 'string') {
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Bad Request',
        message: describeFastifyError(exception, status),
        fields: ['body'],
      };
    }
    if (typeof response === 'object')
      return { statusCode: status, error: exception.name, ...response } as ErrorBody;
    return { statusCode: status, error: exception.name, message: String(response) };
  }
  if (exception instanceof CrmPayloadError) {
    return { statusCode: 400, error: 'Bad Request', message: exception.message, fields: [exception.field] };
  }
  if (exception instanceof VisitorErasedError) {
    return {
      statusCode: HttpStatus.GONE,
      error: 'Gone',
      message: exception.message,
      fields: ['external_id'],
    };
  }
  const clientStatus = fastifyClientStatus(exception);
  if (clientStatus) {
    return {
      statusCode: clientStatus,
      error: STATUS_CODES[clientStatus] ?? 'Bad Request',
      message: describeFastifyError(exception, clientStatus),
      fields: ['body'],
    };
  }
  if (isPgDataException(exception)) {
    return {
      statusCode: 400,
      error: 'Bad Request',
      message: 'a value in the body is not valid for its field',
    };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
}

function describeFastifyError(error: unknown, status: number): string {
  const code = String((error as { code?: unknown }).code ?? '');
  if (status === 413) return 'body: request body is too large';
  if (status === 415) return 'content-type: send application/json';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'body: must not be empty';
  const message = (error as Error).message;
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(message)) {
    return 'body: is not valid JSON';
  }
  return `body: ${message}`;
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = errorBodyFor(exception);
    if (body.statusCode >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    // Explicit: a handler may have set another content type (the Salesforce SOAP endpoint) before failing.
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(body.statusCode)
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  }
}
