import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TagAsset } from './tag-asset';

const LATEST_CACHE = 'public, max-age=3600';
const VERSIONED_CACHE = 'public, max-age=31536000, immutable';

/**
 * The first-party JS tag (docs/tag.md): `/v1/tag.js` is the latest (cached an hour), `/v1/tag/<version>.js`
 * a pinned version (immutable). Public, no auth: it is loaded by `<script>` on customers' sites.
 */
@ApiTags('tag')
@Controller('v1')
export class TagController {
  constructor(private readonly tag: TagAsset) {}

  @Get('tag.js')
  @ApiProduces('application/javascript')
  @ApiOperation({ summary: 'The first-party JS tag, latest version (cached an hour)' })
  latest(
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    return this.send(reply, LATEST_CACHE, acceptEncoding, ifNoneMatch);
  }

  @Get('tag/:file')
  @ApiProduces('application/javascript')
  @ApiOperation({ summary: 'A pinned version of the JS tag (immutable)' })
  pinned(
    @Param('file') file: string,
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    if (file !== `${this.tag.version}.js`) {
      throw new NotFoundException(`tag version: only ${this.tag.version} is served (or use /v1/tag.js)`);
    }
    return this.send(reply, VERSIONED_CACHE, acceptEncoding, ifNoneMatch);
  }

  private send(
    reply: FastifyReply,
    cacheControl: string,
    acceptEncoding: string | undefined,
    ifNoneMatch: string | undefined,
  ): FastifyReply {
    reply
      .header('cache-control', cacheControl)
      .header('etag', this.tag.etag)
      .header('vary', 'accept-encoding')
      // Helmet's default (same-origin) would stop other sites' <script> from loading it.
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('content-type', 'text/javascript; charset=utf-8');
    if (ifNoneMatch?.split(/\s*,\s*/).some((tag) => tag === this.tag.etag || tag === `W/${this.tag.etag}`)) {
      return reply.status(304).send();
    }
    if (/\bgzip\b/i.test(acceptEncoding ?? '')) {
      return reply.header('content-encoding', 'gzip').send(this.tag.gzipped);
    }
    return reply.send(this.tag.body);
  }
}
