import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  ID_PATTERN,
  IsBoundedObject,
  IsHttpUrl,
  IsMetaCookie,
  IsPlainIp,
  IsRecentTimestamp,
} from '../../common/validators';
import { ConsentDto } from './consent.dto';

export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_ .:-]{1,100}$/;

export class TouchpointDto {
  @ApiProperty({
    description: 'Absolute URL of the page (landing URL with its query string)',
    maxLength: 8192,
  })
  @IsHttpUrl()
  @MaxLength(8192)
  url!: string;

  @ApiPropertyOptional({ description: 'Our visitor key; absent: a new visitor is created' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  external_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  anonymous_id?: string;

  @ApiPropertyOptional({ maxLength: 8192 })
  @IsOptional()
  @IsHttpUrl()
  @MaxLength(8192)
  referrer?: string;

  @ApiPropertyOptional({ default: 'PageView' })
  @IsOptional()
  @Matches(EVENT_NAME_PATTERN, { message: '$property must be 1-100 letters, digits, spaces or _ . : -' })
  event_name?: string;

  @ApiPropertyOptional({
    description: 'Shared with the Pixel (`eventID`) for deduplication; generated if absent',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  event_id?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 time of the touchpoint; default: now' })
  @IsOptional()
  @IsRecentTimestamp()
  occurred_at?: string;

  @ApiPropertyOptional({ example: 'fb.1.1596403881668.1116446470', description: 'The `_fbp` cookie' })
  @IsOptional()
  @IsMetaCookie('fbp')
  fbp?: string;

  @ApiPropertyOptional({
    example: 'fb.1.1554763741205.AbCdEfGh',
    description: 'The `_fbc` cookie, kept verbatim',
  })
  @IsOptional()
  @IsMetaCookie('fbc')
  fbc?: string;

  @ApiPropertyOptional({ type: ConsentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto;

  @ApiPropertyOptional({ description: 'IAB TCF v2 TC string (same as consent.tcf_string)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,4096}$/, { message: '$property must be an IAB TCF consent string' })
  tcf_string?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Free-form, up to 8 KB' })
  @IsOptional()
  @IsBoundedObject(8192, 5)
  properties?: Record<string, unknown>;

  // Country hints: only ever used to derive the visitor's country, so an unrecognised value is ignored rather
  // than refused (a browser cannot retry a lost touchpoint).
  @ApiPropertyOptional({
    description: 'Browser language tag (BCP 47, e.g. en-GB): a country hint',
    maxLength: 35,
  })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string;

  @ApiPropertyOptional({
    description: 'Browser IANA time zone (e.g. Europe/London): a country hint',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  time_zone?: string;

  @ApiPropertyOptional({
    description: "The visitor's country (ISO alpha-2), when a server knows it",
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  country?: string;

  @ApiPropertyOptional({ description: "Visitor's IP (server calls with X-Api-Key only)" })
  @IsOptional()
  @IsPlainIp()
  ip?: string;

  @ApiPropertyOptional({
    description: "Visitor's user agent (server calls with X-Api-Key only)",
    maxLength: 1024,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  user_agent?: string;
}

export class TouchpointRecordedDto {
  @ApiProperty() external_id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the touchpoint was ignored' })
  touchpoint_id!: string | null;
  @ApiProperty({ description: 'Pass to fbq as eventID so Pixel and server events deduplicate' })
  event_id!: string;
  @ApiPropertyOptional({
    description: 'true when the visitor is past MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR: nothing was stored',
  })
  ignored?: boolean;
}
