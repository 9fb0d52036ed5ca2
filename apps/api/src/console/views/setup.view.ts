import { CSRF_FIELD } from '../csrf-token';
import type { Setup } from '../setup.service';
import { html, Html } from './html';
import { badge, layout, table } from './layout';

export function setupView(s: Setup, csrf: string): Html {
  const body = html`<section id="crms">
      <h2>CRMs</h2>
      <p class="muted">Webhook URLs from ${s.baseFrom} (${s.baseUrl}); paste each into its CRM.</p>
      ${table(
        ['CRM', 'webhook URL', 'webhooks', 'API'],
        s.crms.map((crm) => [crm.provider, html`<code>${crm.url}</code>`, crm.webhooks, crm.api]),
      )}
    </section>
    <section id="destinations">
      <h2>Destinations</h2>
      ${table(
        ['platform', 'destination', 'state', 'detail', 'test event'],
        s.destinations.map((d) => [
          d.platform,
          d.destination,
          d.enabled ? badge('enabled', 'ok') : badge('off', 'muted'),
          d.detail,
          testEventCell(d, s, csrf),
        ]),
      )}
      <p class="muted">
        A test event re-sends the platform's latest event within its window, to that platform alone, with the
        same event id (never counted twice): Meta under the test code (Test events), TikTok under the code
        typed or TIKTOK_TEST_EVENT_CODE, Google validated only with GOOGLE_VALIDATE_ONLY (else Google drops
        the repeated transactionId after checking the account and action). LinkedIn has no test mode: use a
        separate conversion rule. Secrets are never shown.
      </p>
    </section>
    <section id="stage-map">
      <h2>Stage map in force</h2>
      ${table(
        ['CRM', 'object', 'field', 'stage', 'pipeline', 'event', 'from'],
        s.stageRules.map(({ provider, source, rule }) => [
          provider,
          rule.objectType,
          rule.stageField,
          rule.stage,
          rule.pipeline ?? 'any',
          rule.eventName ?? '(never sent)',
          source === 'file' ? 'STAGE_MAP_FILE' : 'default',
        ]),
      )}
    </section>`;
  return layout('setup', 'Set-up', body);
}

/** The "send a test event" form of one destination (LinkedIn has no test mode; an off one has nothing). */
function testEventCell(d: Setup['destinations'][number], s: Setup, csrf: string) {
  if (!d.enabled) return '';
  if (d.platform === 'linkedin')
    return html`<span class="muted">no test mode: use a test conversion rule</span>`;
  const placeholder =
    d.platform === 'meta' && s.metaTestEventCode
      ? 'META_TEST_EVENT_CODE'
      : d.platform === 'google'
        ? ''
        : 'TEST12345';
  return html`<form class="inline" method="post" action="/admin/setup/test-event">
    <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
    <input type="hidden" name="platform" value="${d.platform}" />
    ${
      d.platform === 'google'
        ? ''
        : html`<input
            name="test_event_code"
            placeholder="${placeholder}"
            size="14"
            maxlength="64"
            aria-label="${d.platform} test event code"
          />`
    }
    <button type="submit">Send a test event</button>
  </form>`;
}
