// HubSpot's API errors as the client reports them: endpoint and status only, never contact data.
import { CrmApiError, type CrmApiErrorDetails, type CrmHttpResponse, textOf } from '../api-http';

export interface HubspotApiErrorDetails extends CrmApiErrorDetails {
  /** HubSpot's `correlationId`, for support tickets. */
  correlationId?: string;
}

/** A failed HubSpot call. The message names the endpoint and status only, never contact data. */
export class HubspotApiError extends CrmApiError {
  readonly correlationId?: string;

  constructor(message: string, details: HubspotApiErrorDetails) {
    super(message, details);
    this.name = 'HubspotApiError';
    this.correlationId = details.correlationId;
  }
}

/** HubSpot's error ids: `correlationId`, and `category` (or `errorType` on rate limits). */
export function errorIds(response?: CrmHttpResponse): { correlationId?: string; category?: string } {
  const info = (typeof response?.body === 'object' && response.body !== null ? response.body : {}) as Record<
    string,
    unknown
  >;
  const category = textOf(info.category) ?? textOf(info.errorType);
  return { correlationId: textOf(info.correlationId), ...(category && { category }) };
}
