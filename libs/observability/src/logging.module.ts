import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@app/config';

/**
 * Paths pino removes from every log line. Request bodies are never logged; these catch contact data or
 * secrets that reach a log object some other way (headers, error details, job payloads).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers["x-ghl-signature"]',
  'req.headers["x-wh-signature"]',
  'req.headers["x-journey-secret"]',
  'res.headers["set-cookie"]',
  ...[
    'email',
    'phone',
    'first_name',
    'last_name',
    'date_of_birth',
    'zip',
    'city',
    'ip',
    'user_agent',
  ].flatMap((field) => [field, `*.${field}`, `body.${field}`]),
];

/** Structured JSON logs (pino) for the api and the worker, with PII and secret redaction. */
@Module({})
export class LoggingModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              autoLogging: options.http ? { ignore: (req) => isQuietPath(req.url) } : false,
              // Log the path without the query string: landing URLs carry click ids and sometimes PII.
              serializers: {
                req: (req: { method: string; url: string; id: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  path: String(req.url).split('?')[0],
                }),
              },
            },
          }),
        }),
      ],
    };
  }
}

function isQuietPath(url?: string): boolean {
  return !!url && (url.startsWith('/health') || url.startsWith('/metrics'));
}
