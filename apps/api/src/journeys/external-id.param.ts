import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ID_PATTERN } from '../common/validators';

export class ExternalIdParam {
  @ApiProperty()
  @Matches(ID_PATTERN, { message: '$property must be 1-128 visible ASCII characters' })
  external_id!: string;
}
