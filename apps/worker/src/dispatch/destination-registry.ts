import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { type Destination, MetaDestination, type Platform } from '@app/destinations';

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
}
