import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CRM_PROVIDERS } from '@app/crm';
import {
  ConsoleJourneysRepository,
  JourneyHit,
  JourneyRecord,
  JourneyRepository,
  LifecycleHit,
  RequestDetail,
} from '@app/db';
import { normalizeAndHashContact } from '@app/journey';

export interface SearchResult {
  /** What kind of term it was read as (never the term itself, which may be an email). */
  readAs: string[];
  journeys: JourneyHit[];
  /** Lifecycle events whose CRM record id is the term, including unjoined ones. */
  events: LifecycleHit[];
}

/**
 * Journey search and timeline. An email or phone typed in is normalised and hashed exactly as forms are
 * (libs/journey) and only the hashes are looked up: the value is never stored or logged.
 */
@Injectable()
export class JourneySearchService {
  constructor(
    private readonly search: ConsoleJourneysRepository,
    private readonly journeys: JourneyRepository,
    private readonly config: AppConfig,
  ) {}

  async find(term: string): Promise<SearchResult> {
    const value = term.trim();
    const hashes: { keyType: string; hash: string }[] = [];
    const readAs = ['external_id', 'CRM record id'];
    if (value.includes('@')) {
      const { hashes: email } = normalizeAndHashContact({ email: value });
      if (email.em) {
        hashes.push({ keyType: 'em', hash: email.em });
        readAs.push('email (hashed)');
      }
    } else if (/\d/.test(value)) {
      const { hashes: phone } = normalizeAndHashContact(
        { phone: value },
        { defaultCountry: this.config.capture.defaultCountry },
      );
      if (phone.ph) {
        hashes.push({ keyType: 'ph', hash: phone.ph });
        readAs.push('phone (hashed)');
      }
    }
    const [journeys, events] = await Promise.all([
      this.search.search(value, hashes, CRM_PROVIDERS),
      this.search.lifecycleByObjectId(value, CRM_PROVIDERS),
    ]);
    return { readAs, journeys, events };
  }

  /** The journey with the audit of every request that carried its dispatches. */
  async timeline(
    externalId: string,
  ): Promise<{ journey: JourneyRecord; requests: Map<string, RequestDetail> } | undefined> {
    const journey = await this.journeys.findByExternalId(externalId);
    if (!journey) return undefined;
    const ids = journey.lifecycleEvents.flatMap((event) =>
      event.dispatches.flatMap((dispatch) => (dispatch.requestId ? [dispatch.requestId] : [])),
    );
    const requests = await this.search.requests([...new Set(ids)]);
    return { journey, requests: new Map(requests.map((request) => [request.id, request])) };
  }

  event(id: string) {
    return this.search.event(id);
  }

  async requestsOf(ids: string[]): Promise<Map<string, RequestDetail>> {
    return new Map((await this.search.requests(ids)).map((request) => [request.id, request]));
  }
}
