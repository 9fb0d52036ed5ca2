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
          d.platform === 'meta' && d.enabled
            ? html`<form class="inline" method="post" action="/admin/setup/test-event">
                <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
                <input
                  name="test_event_code"
                  placeholder="${s.metaTestEventCode ? 'META_TEST_EVENT_CODE' : 'TEST12345'}"
                  size="14"
                  maxlength="64"
                  aria-label="Meta test event code"
                />
                <button type="submit">Send a test event</button>
              </form>`
            : d.enabled
              ? html`<span class="muted">use a replay with the platform's test mode (not generic yet)</span>`
              : '',
        ]),
      )}
      <p class="muted">
        Meta's test event re-sends the latest Meta event younger than 7 days, to Meta alone, with the test
        code (same event_id: Meta does not count it twice). Secrets are never shown.
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
