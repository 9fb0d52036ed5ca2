import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ID_PATTERN, IsBoundedObject, IsPlainIp } from '../../common/validators';
import { ConsentDto } from './consent.dto';
import { EVENT_NAME_PATTERN } from './touchpoint.dto';

const CRM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CRM_ID_MESSAGE = { message: '$property must be 1-64 letters, digits, _ or -' };

/** CRM record ids known at submission time; each links the CRM record to this visitor. */
export class CrmIdsDto {
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) hubspot_contact_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) hubspot_deal_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) salesforce_lead_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) salesforce_contact_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) salesforce_opportunity_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) ghl_contact_id?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CRM_ID, CRM_ID_MESSAGE) ghl_opportunity_id?: string;
}

const contactField = (description: string) => [
  ApiPropertyOptional({
    description: `${description}. Normalised and SHA-256 hashed on arrival; never stored raw.`,
  }),
  IsOptional(),
  IsString(),
  MaxLength(256),
];

const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((decorator) => decorator(target, key));

export class FormDto {
  @ApiProperty({ description: 'The visitor this submission belongs to' })
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  external_id!: string;

  @ApiPropertyOptional({ default: 'Lead' })
  @IsOptional()
  @Matches(EVENT_NAME_PATTERN, { message: '$property must be 1-100 letters, digits, spaces or _ . : -' })
  event_name?: string;

  @ApiPropertyOptional({
    description: 'Shared with the Pixel (`eventID`) for deduplication; generated if absent',
  })
  @IsOptional()
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  event_id?: string;

  @apply(contactField('Email address')) email?: string;
  @apply(
    contactField(
      'Phone number; without a country code, the region is the form country, else the visitor country hint, else DEFAULT_COUNTRY',
    ),
  )
  phone?: string;
  @apply(contactField('First name')) first_name?: string;
  @apply(contactField('Last name')) last_name?: string;
  @apply(contactField('City')) city?: string;
  @apply(contactField('State or region (name or code)')) state?: string;
  @apply(contactField('Postal code')) zip?: string;
  @apply(contactField('Country (ISO code or English name)')) country?: string;
  @apply(contactField('Date of birth (YYYY-MM-DD, 16/02/1997, Feb 16 1997, ...)')) date_of_birth?: string;
  @apply(contactField('Gender (f/m, female/male)')) gender?: string;

  @ApiPropertyOptional({ type: ConsentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Custom answers, up to 16 KB',
  })
  @IsOptional()
  @IsBoundedObject(16384, 3)
  fields?: Record<string, unknown>;

  @ApiPropertyOptional({ type: CrmIdsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CrmIdsDto)
  crm_ids?: CrmIdsDto;

  @ApiPropertyOptional({ description: 'Meta Lead Ads lead id (digits, kept as a string)' })
  @IsOptional()
  @Matches(/^\d{6,20}$/, { message: '$property must be a string of 6-20 digits' })
  lead_id?: string;

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

export class DroppedValueDto {
  @ApiProperty({ description: 'The field left out: a contact field, or the path of a custom answer' })
  field!: string;
  @ApiProperty({ description: 'Why it could not be used (never the value itself)' })
  reason!: string;
}

export class FormRecordedDto {
  @ApiProperty() external_id!: string;
  @ApiProperty({ description: 'Pass to fbq as eventID so Pixel and server events deduplicate' })
  event_id!: string;
  @ApiProperty({ description: 'Meta key types kept, hashed (em, ph, fn, ...)', example: ['em', 'fn'] })
  keys!: string[];
  @ApiProperty({
    type: [DroppedValueDto],
    description: 'Values left out of the hashed keys; the submission itself is kept',
  })
  dropped!: DroppedValueDto[];
}
