import { availableParallelism } from 'node:os';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { DestinationEnvironment } from './destination-environment';

/** Digits become a number; anything else is left for the validator to name. */
const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** How long stored data is kept; the worker's daily data-maintenance job applies it. */
export class RetentionEnvironment extends DestinationEnvironment {
  /** Touchpoints: whole monthly partitions older than this are dropped (never part of a month). */
  @Transform(wholeNumber)
  @IsInt({ message: 'TOUCHPOINT_RETENTION_DAYS must be a whole number of days' })
  @Min(31, { message: 'TOUCHPOINT_RETENTION_DAYS must be 31 or more (whole months are dropped)' })
  TOUCHPOINT_RETENTION_DAYS = 400;

  // 8 days or more: past Meta's 7-day window an unjoined event can never be sent, so it counts as final.
  /** Webhook deliveries (with their lifecycle and CAPI events) once every lifecycle event is final. */
  @Transform(wholeNumber)
  @IsInt({ message: 'WEBHOOK_DELIVERY_RETENTION_DAYS must be a whole number of days' })
  @Min(8, { message: 'WEBHOOK_DELIVERY_RETENTION_DAYS must be 8 or more (past the 7-day send window)' })
  WEBHOOK_DELIVERY_RETENTION_DAYS = 90;

  /** The destinations' request/response audit rows. */
  @Transform(wholeNumber)
  @IsInt({ message: 'DESTINATION_REQUEST_RETENTION_DAYS must be a whole number of days' })
  @Min(1, { message: 'DESTINATION_REQUEST_RETENTION_DAYS must be 1 or more' })
  DESTINATION_REQUEST_RETENTION_DAYS = 90;
}

/** How the processes run and expose their metrics. */
export class ProcessEnvironment extends RetentionEnvironment {
  /** api processes (node:cluster); 1 runs the api in a single process as before. */
  @Transform(wholeNumber)
  @IsInt({ message: 'API_PROCESSES must be a whole number' })
  @Min(1, { message: 'API_PROCESSES must be 1 or more' })
  @Max(256, { message: 'API_PROCESSES must be 256 or less' })
  API_PROCESSES = availableParallelism();

  /** The worker's own /metrics (0: any free port, logged at start; for tests running several workers). */
  @Transform(wholeNumber)
  @IsInt({ message: 'WORKER_METRICS_PORT must be an integer' })
  @Min(0)
  @Max(65535)
  WORKER_METRICS_PORT = 9464;

  /** When set, /metrics (api and worker) needs `Authorization: Bearer <token>`. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
}
