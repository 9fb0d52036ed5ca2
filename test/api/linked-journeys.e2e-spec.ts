import { sha256Hex } from '@app/journey';
import { json } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';

const EMAIL = 'Two.Devices@example.com';
const PHONE = '+1 (415) 555-0142';

// The same person on two devices: the ad click on the phone, the form on the laptop, linked by the email.
// The CRM change joins the laptop; the event still carries the phone's click and keys.
describe('linked journeys contribute to the CAPI event', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('linked');
  });
  afterAll(() => t?.close());

  it("carries the phone's fbc and phone hash and both external_ids when the CRM change joins the laptop", async () => {
    await t.landing('phone-a', { email: EMAIL, phone: PHONE }); // touchpoint with fbclid + form
    expect((await t.ingest('/v1/forms', { external_id: 'laptop-b', email: EMAIL })).status).toBe(201);
    // A third device shares the email but denied advertising data: it gives nothing.
    await t.landing(
      'denied-c',
      { email: EMAIL, phone: '+1 415 555 0177', consent: { ad_user_data: 'denied' } },
      { consent: { ad_user_data: 'denied' } },
    );
    t.hubspot.addContact({ id: '961', externalId: 'laptop-b' });
    t.hubspot.addDeal({ id: '9401', contactIds: ['961'] });
    await t.hubspotChange(9401, 'deal.propertyChange', 'dealstage', 'closedwon');

    const event = await t.settled('9401');
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_api' });
    const { rows } = await t.sql.query(
      `SELECT id, external_id, first_fbc FROM visitors WHERE external_id IN ('phone-a', 'laptop-b')`,
    );
    const byExternalId = Object.fromEntries(rows.map((row) => [row.external_id, row]));
    expect(byExternalId['laptop-b'].first_fbc).toBeNull();
    const [sent] = t.graph.events().filter((e) => e.event_id === event.event_id);
    expect(sent.user_data).toMatchObject({
      fbc: byExternalId['phone-a'].first_fbc,
      em: [sha256Hex('two.devices@example.com')],
      ph: [sha256Hex('14155550142')],
      external_id: [sha256Hex('laptop-b'), sha256Hex('phone-a')],
    });

    const journey = await json(await t.admin('GET', '/v1/journeys/laptop-b'));
    expect(journey.dispatches).toHaveLength(1);
    expect(journey.dispatches[0].contributors).toEqual([
      { visitor_id: byExternalId['laptop-b'].id, external_id: 'laptop-b' },
      { visitor_id: byExternalId['phone-a'].id, external_id: 'phone-a' },
    ]);
  });

  it('reports on /metrics which keys sent events carried against those their linked journeys knew: no gap', async () => {
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    for (const key of ['fbc', 'ph', 'em', 'external_id']) {
      expect(text).toContain(`journey_match_key_coverage{event_name="DealWon",key="${key}"} 1`);
      expect(text).toContain(`journey_match_key_known{event_name="DealWon",key="${key}"} 1`);
    }
    const gaps = [...text.matchAll(/^journey_match_key_gaps\{event_name="DealWon",key="(\w+)"\} (\d+)$/gm)];
    expect(gaps.length).toBeGreaterThan(10);
    expect(gaps.filter(([, , count]) => count !== '0')).toEqual([]);
  });

  it("erasing a linked visitor removes its contribution from the other visitor's sent event", async () => {
    expect((await t.admin('DELETE', '/v1/journeys/phone-a')).status).toBeLessThan(300);
    const journey = await json(await t.admin('GET', '/v1/journeys/laptop-b'));
    expect(journey.dispatches[0].contributors).toEqual([
      { visitor_id: expect.any(String), external_id: 'laptop-b' },
    ]);
    expect(journey.dispatches[0].payload.user_data).toBeUndefined();
    expect(journey.dispatches[0].status).toBe('sent');
    const { rows } = await t.sql.query('SELECT request_body::text AS body FROM destination_requests');
    for (const row of rows) expect(row.body).not.toContain(sha256Hex('14155550142'));
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(text).not.toMatch(/^journey_match_key_gaps\{[^}]*\} [1-9]/m);
  });
});
