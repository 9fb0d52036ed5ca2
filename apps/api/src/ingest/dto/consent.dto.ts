import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

const STATES = ['granted', 'denied'] as const;

/** Google Consent Mode v2 state, and/or an IAB TCF v2 consent string. */
export class ConsentDto {
  @ApiPropertyOptional({ enum: STATES })
  @IsOptional()
  @IsIn(STATES)
  ad_storage?: 'granted' | 'denied';

  @ApiPropertyOptional({
    enum: STATES,
    description: 'Consent to send user data to Google/Meta for advertising',
  })
  @IsOptional()
  @IsIn(STATES)
  ad_user_data?: 'granted' | 'denied';

  @ApiPropertyOptional({ enum: STATES })
  @IsOptional()
  @IsIn(STATES)
  ad_personalization?: 'granted' | 'denied';

  @ApiPropertyOptional({ enum: STATES })
  @IsOptional()
  @IsIn(STATES)
  analytics_storage?: 'granted' | 'denied';

  @ApiPropertyOptional({ description: 'IAB TCF v2 TC string' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,4096}$/, { message: '$property must be an IAB TCF consent string' })
  tcf_string?: string;

  @ApiPropertyOptional({
    description: 'IAB US Privacy (CCPA) string, e.g. 1YYN; an opt-out of sale sends events with LDU',
  })
  @IsOptional()
  @Matches(/^1[-YN]{3}$/i, { message: '$property must be an IAB US Privacy string such as 1YYN' })
  us_privacy?: string;
}
