import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { DISPATCH_PLATFORMS } from '@app/queues';
import { PROVIDERS } from '../admin/admin.dto';
import { NOT_SENT_STATUSES } from './failures.service';

const CODE = /^[\x21-\x7e]{1,64}$/;
// An empty field of an HTML form arrives as "": treated as absent.
const EMPTY_OR = (pattern: RegExp) => new RegExp(`^$|${pattern.source}`);

export class OverviewQuery {
  @ApiPropertyOptional({ enum: ['24h', '7d'] })
  @IsOptional()
  @IsIn(['24h', '7d'])
  window?: '24h' | '7d';
}

export class FailuresQuery {
  @ApiPropertyOptional({ enum: NOT_SENT_STATUSES })
  @IsOptional()
  @IsIn(['', ...NOT_SENT_STATUSES])
  status?: string;

  @ApiPropertyOptional({ enum: PROVIDERS })
  @IsOptional()
  @IsIn(['', ...PROVIDERS])
  provider?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[\x20-\x7e]{0,100}$/)
  event_name?: string;

  @ApiPropertyOptional({ enum: DISPATCH_PLATFORMS })
  @IsOptional()
  @IsIn(['', ...DISPATCH_PLATFORMS])
  platform?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  dcursor?: string;
}

/** Form fields every state-changing console form carries. */
class CsrfForm {
  @ApiProperty({ description: 'the CSRF token embedded in the console page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  csrf?: string;
}

export class ReplayForm extends CsrfForm {
  @ApiProperty()
  @IsUUID('all')
  lifecycle_event_id!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(EMPTY_OR(CODE), { message: '$property must be 1-64 visible ASCII characters' })
  test_event_code?: string;

  @ApiPropertyOptional({ description: 'console page to link back to' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  back?: string;
}

export class TestEventForm extends CsrfForm {
  @ApiPropertyOptional({ description: 'meta (default), google, tiktok or linkedin' })
  @IsOptional()
  @IsIn(['meta', 'google', 'tiktok', 'linkedin'], {
    message: '$property must be meta, google, tiktok or linkedin',
  })
  platform?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(EMPTY_OR(CODE), { message: '$property must be 1-64 visible ASCII characters' })
  test_event_code?: string;
}

export class SearchForm {
  @ApiProperty({ description: 'external_id, CRM record id, email or phone (hashed on the server)' })
  @IsString()
  @MaxLength(320)
  @Matches(/\S/, { message: '$property must not be empty' })
  q!: string;
}

export class EventIdPath {
  @ApiProperty()
  @IsUUID('all')
  id!: string;
}
