import type { RequestDetail } from '@app/db';
import { CSRF_FIELD } from '../csrf-token';
import { html, Html, iso, pretty, when } from './html';
import { badge } from './layout';

export interface DispatchPart {
  platform: string;
  destination: string;
  status: string;
  status_reason: string | null;
  payload: unknown;
  request_id: string | null;
  sent_at: Date | string | null;
  test_event_code: string | null;
}

export const statusBadge = (status: string) =>
  badge(
    status,
    ['sent', 'dry_run'].includes(status)
      ? 'ok'
      : ['queued', 'pending', 'unmapped'].includes(status)
        ? 'muted'
        : 'warn',
  );

/** The replay form of one lifecycle event (optionally with a test event code), carrying the CSRF token. */
export function replayForm(csrf: string, lifecycleEventId: string, back: string): Html {
  return html`<form class="inline" method="post" action="/admin/replay">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    <input type="hidden" name="lifecycle_event_id" value="${lifecycleEventId}" />
    <input type="hidden" name="back" value="${back}" />
    <input
      name="test_event_code"
      placeholder="test event code (optional)"
      size="22"
      maxlength="64"
      aria-label="test event code"
    />
    <button type="submit">Replay</button>
  </form>`;
}

/** One dispatch: platform, status, why not sent, the payload, and the platform's answer with its trace id. */
export function dispatchPart(dispatch: DispatchPart, request: RequestDetail | undefined): Html {
  return html`<div class="dispatch" data-platform="${dispatch.platform}">
    <p>
      <strong>${dispatch.platform}</strong> ${dispatch.destination} ${statusBadge(dispatch.status)}
      ${when(dispatch.sent_at, () => html`<span class="muted">sent ${iso(dispatch.sent_at)}</span>`)}
      ${when(dispatch.test_event_code, () => html`<span class="muted">test code ${dispatch.test_event_code}</span>`)}
    </p>
    ${when(dispatch.status_reason, () => html`<p class="reason">Reason: ${dispatch.status_reason}</p>`)}
    ${when(
      dispatch.payload !== null && dispatch.payload !== undefined,
      () =>
        html`<details>
          <summary>payload</summary>
          <pre>${pretty(dispatch.payload)}</pre>
        </details>`,
    )}
    ${when(
      request,
      () =>
        html`<p>
            Response: HTTP ${request!.response_status} ·
            ${request!.outcome}${when(
              request!.trace_id,
              () => html` · trace id <code>${request!.trace_id}</code>`,
            )}${when(request!.processing_status, () => html` · processing ${request!.processing_status}`)}
            <span class="muted">at ${iso(request!.created_at)}</span>
          </p>
          <details>
            <summary>platform's response</summary>
            <pre>${pretty(request!.response_body)}</pre>
          </details>`,
    )}
  </div>`;
}
