import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  type Destination,
  GoogleDestination,
  LinkedInDestination,
  MetaDestination,
  type Platform,
  TikTokDestination,
} from '@app/destinations';

/** The destinations configured for this process, built once from the configuration. */
export function configuredDestinations(config: AppConfig): Destination[] {
  const destinations: Destination[] = [];
  const { meta } = config;
  if (meta.enabled) {
    destinations.push(
      new MetaDestination({
        pixelId: meta.pixelId!,
        accessToken: meta.accessToken!,
        graphUrl: meta.graphUrl,
        apiVersion: meta.apiVersion,
        partnerAgent: meta.partnerAgent,
      }),
    );
  }
  const { google, tiktok, linkedin } = config.destinations;
  // DRY_RUN_DESTINATIONS is handled by the batcher for every platform alike: the destinations always send.
  if (google.enabled) destinations.push(new GoogleDestination(google));
  if (tiktok.enabled) destinations.push(new TikTokDestination(tiktok));
  if (linkedin.enabled) destinations.push(new LinkedInDestination(linkedin));
  return destinations;
}

/** Every configured destination, by platform (one account per platform). */
@Injectable()
export class DestinationRegistry {
  readonly all: readonly Destination[];
  private readonly byPlatform: Map<string, Destination>;

  constructor(config: AppConfig) {
    this.all = configuredDestinations(config);
    this.byPlatform = new Map(this.all.map((destination) => [destination.platform, destination]));
  }

  get(platform: Platform | string): Destination | undefined {
    return this.byPlatform.get(platform);
  }

  /** Google's destination, when configured (its accepted requests are read back later). */
  get google(): GoogleDestination | undefined {
    const google = this.byPlatform.get('google');
    return google instanceof GoogleDestination ? google : undefined;
  }
}
