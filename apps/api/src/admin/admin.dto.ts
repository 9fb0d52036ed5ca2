import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';

export const LIFECYCLE_STATUSES = [
  'pending',
  'unmapped',
  'queued',
  'sent',
  'unjoined',
  'erased',
  'blocked_consent',
  'blocked_bot',
  'expired',
  'waiting_destination',
  'duplicate',
  'rejected',
  'invalid',
  'failed',
] as const;
export const DISPATCH_STATUSES = ['queued', 'sent', 'parked', 'failed'] as const;
export const PROVIDERS = ['hubspot', 'gohighlevel', 'salesforce'] as const;
export const MAX_REPLAY_IDS = 1000;
export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 time with a zone (past or future), on a real calendar date. */
export function IsIsoTimestamp(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIsoTimestamp',
      target: target.constructor,
      propertyName,
      options: {
        message: '$property must be an ISO-8601 time with a zone, e.g. 2026-01-31T00:00:00Z',
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const parts = TIMESTAMP.exec(value);
          if (!parts) return false;
          const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
          const date = new Date(Date.UTC(year, month - 1, day));
          if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
            return false;
          if (Number(parts[4]) > 23 || Number(parts[5]) > 59 || Number(parts[6] ?? 0) > 59) return false;
          return Number.isFinite(Date.parse(value));
        },
      },
    });
}

const EVENT_NAME = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;

/** Selectors shared by replays and the lifecycle-event listing (times bound `occurred_at`). */
class LifecycleSelectors {
  @ApiPropertyOptional({ enum: LIFECYCLE_STATUSES })
  @IsOptional()
  @IsIn(LIFECYCLE_STATUSES, { message: `$property must be one of ${LIFECYCLE_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ example: 'DealWon' })
  @IsOptional()
  @IsString()
  @Matches(EVENT_NAME, { message: '$property must be 1-100 printable ASCII characters' })
  event_name?: string;

  @ApiPropertyOptional({ description: 'occurred_at ≥ since (ISO-8601 with a zone)' })
  @IsOptional()
  @IsIsoTimestamp()
  since?: string;

  @ApiPropertyOptional({ description: 'occurred_at < until (ISO-8601 with a zone)' })
  @IsOptional()
  @IsIsoTimestamp()
  until?: string;
}

export class ReplayBody extends LifecycleSelectors {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_REPLAY_IDS })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_REPLAY_IDS)
  @IsUUID('all', { each: true, message: '$property must hold UUIDs' })
  lifecycle_event_ids?: string[];

  @ApiPropertyOptional({ description: "Meta's test event code; default: the code the event was built with" })
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{1,64}$/, { message: '$property must be 1-64 visible ASCII characters' })
  @MaxLength(64)
  test_event_code?: string;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

class PageQuery {
  @ApiPropertyOptional({ default: DEFAULT_PAGE, maximum: MAX_PAGE })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: '$property must be an integer from 1 to 200' })
  @Min(1, { message: '$property must be an integer from 1 to 200' })
  @Max(MAX_PAGE, { message: '$property must be an integer from 1 to 200' })
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Listing filters: the replay selectors plus the provider, paged. */
export class LifecycleEventsQuery extends IntersectionType(PageQuery, LifecycleSelectors) {
  @ApiPropertyOptional({ enum: PROVIDERS })
  @IsOptional()
  @IsIn(PROVIDERS, { message: `$property must be one of ${PROVIDERS.join(', ')}` })
  provider?: string;
}

export class DispatchesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DISPATCH_STATUSES })
  @IsOptional()
  @IsIn(DISPATCH_STATUSES, { message: `$property must be one of ${DISPATCH_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ example: 'DealWon' })
  @IsOptional()
  @IsString()
  @Matches(EVENT_NAME, { message: '$property must be 1-100 printable ASCII characters' })
  event_name?: string;

  @ApiPropertyOptional({ description: 'CAPI event created_at ≥ since' })
  @IsOptional()
  @IsIsoTimestamp()
  since?: string;

  @ApiPropertyOptional({ description: 'CAPI event created_at < until' })
  @IsOptional()
  @IsIsoTimestamp()
  until?: string;
}
