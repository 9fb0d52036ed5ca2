import { Module } from '@nestjs/common';
import { TagAsset } from './tag-asset';
import { TagController } from './tag.controller';

/** Serves the first-party JS tag (built once at start-up). */
@Module({
  controllers: [TagController],
  providers: [{ provide: TagAsset, useFactory: () => new TagAsset() }],
})
export class TagModule {}
