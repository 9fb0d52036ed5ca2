import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { TAG_SOURCE, TAG_VERSION } from './journey-tag.source';

/** The tag's budget on the wire (gzipped), asserted by the tests. */
export const TAG_GZIP_BUDGET_BYTES = 5 * 1024;

/** The served tag, built once at start-up: the source, its gzipped form and a strong ETag. */
export class TagAsset {
  readonly version = TAG_VERSION;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;

  constructor(source: string = TAG_SOURCE) {
    this.body = Buffer.from(source, 'utf8');
    this.gzipped = gzipSync(this.body, { level: 9 });
    this.etag = `"${createHash('sha256').update(this.body).digest('base64url').slice(0, 27)}"`;
  }
}
