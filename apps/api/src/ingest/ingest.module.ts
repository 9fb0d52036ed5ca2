import { Module } from '@nestjs/common';
import { FormService } from './form.service';
import { IngestController } from './ingest.controller';
import { TouchpointService } from './touchpoint.service';

@Module({ controllers: [IngestController], providers: [TouchpointService, FormService] })
export class IngestModule {}
