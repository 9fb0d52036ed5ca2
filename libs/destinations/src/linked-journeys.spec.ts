import { sha256Hex } from '@app/journey';
import { buildCapiEvent } from './meta/build-event';
import {
  contributingVisitors,
  knownMatchKeys,
  MAX_LINKED_VISITORS,
  MAX_VALUES_PER_KEY,
  mergeLinkedJourneys,
  type VisitorFacts,
} from './linked-journeys';

const DAY = 86_400_000;
const EVENT = new Date('2026-06-01T12:00:00Z');
const daysBefore = (days: number) => new Date(EVENT.getTime() - days * DAY);
const h = (value: string) => sha256Hex(value);

const visitor = (id: string, over: Partial<VisitorFacts> = {}): VisitorFacts => ({
  visitorId: id,
  externalId: `ext-${id}`,
  hashes: {},
  lastSeenAt: daysBefore(1),
  ...over,
});
const click = (fbclid: string, days: number) => ({
  value: `fb.1.${daysBefore(days).getTime()}.${fbclid}`,
  createdAt: daysBefore(days),
});

describe('mergeLinkedJourneys', () => {
  it('prefers the joined visitor’s own usable click, however early the others are', () => {
    const own = visitor('b', { fbc: click('own', 5) });
    const merged = mergeLinkedJourneys(own, [visitor('a', { fbc: click('phone', 30) })], EVENT);
    expect(merged.fbc).toEqual(click('own', 5));
  });

  it('takes the earliest usable click of the linked visitors when the joined one has none usable', () => {
    const own = visitor('b', { fbc: click('too-old', 91) });
    const merged = mergeLinkedJourneys(
      own,
      [
        visitor('a', { fbc: click('later', 10) }),
        visitor('c', { fbc: click('earliest', 40) }),
        visitor('d', { fbc: click('stale', 120) }), // over 90 days at the event
        visitor('e', { fbc: { value: 'fb.1.x.after', createdAt: new Date(EVENT.getTime() + 1000) } }), // newer than the event
      ],
      EVENT,
    );
    expect(merged.fbc).toEqual(click('earliest', 40));
    expect(mergeLinkedJourneys(own, [visitor('d', { fbc: click('stale', 120) })], EVENT).fbc).toBeUndefined();
  });

  it('unions every distinct hash per key, the joined visitor’s first, bounded per key', () => {
    const own = visitor('b', { hashes: { em: [h('shared@x.co')] } });
    const phone = visitor('a', {
      hashes: { em: [h('shared@x.co')], ph: [h('14155550199')], fn: [h('jane')] },
    });
    const merged = mergeLinkedJourneys(own, [phone], EVENT);
    expect(merged.hashes).toEqual({ em: [h('shared@x.co')], ph: [h('14155550199')], fn: [h('jane')] });

    const many = Array.from({ length: 15 }, (_, i) =>
      visitor(`v${i}`, { hashes: { em: [h(`m${i}@x.co`)] } }),
    );
    const bounded = mergeLinkedJourneys(own, many, EVENT);
    expect(bounded.hashes.em).toHaveLength(MAX_VALUES_PER_KEY);
    expect(bounded.hashes.em![0]).toBe(h('shared@x.co'));
  });

  it('lists each contributing visitor’s external_id once, the joined one first', () => {
    const merged = mergeLinkedJourneys(
      visitor('b'),
      [visitor('a'), visitor('a'), visitor('b'), visitor('c', { externalId: 'ext-a' })],
      EVENT,
    );
    expect(merged.contributors).toEqual(['b', 'a', 'c']);
    expect(merged.externalIds).toEqual(['ext-b', 'ext-a']);
  });
});

describe('contributingVisitors', () => {
  it('keeps at most 20 linked visitors, the most recently seen first', () => {
    const linked = Array.from({ length: 30 }, (_, i) => visitor(`v${i}`, { lastSeenAt: daysBefore(i) }));
    const chosen = contributingVisitors(
      visitor('own', { lastSeenAt: daysBefore(100) }),
      [...linked].reverse(),
    );
    expect(chosen).toHaveLength(1 + MAX_LINKED_VISITORS);
    expect(chosen[0].visitorId).toBe('own');
    expect(chosen.slice(1).map((v) => v.visitorId)).toEqual(linked.slice(0, 20).map((v) => v.visitorId));
  });
});

describe('knownMatchKeys', () => {
  it('names the keys any contributing visitor holds, a usable click, and the joined visitor’s device facts', () => {
    const own = visitor('b', { hashes: { em: [h('a@x.co')] }, ip: '203.0.113.1', userAgent: 'UA' });
    const phone = visitor('a', { hashes: { ph: [h('1415')] }, fbc: click('phone', 3), fbp: 'fb.1.1.2' });
    expect(knownMatchKeys(own, [phone], EVENT)).toEqual([
      'em',
      'ph',
      'external_id',
      'fbc',
      'client_ip_address',
      'client_user_agent',
    ]);
    expect(knownMatchKeys(visitor('b', { fbc: click('old', 100) }), [], EVENT)).toEqual(['external_id']);
  });

  it('matches what the event builder sends for a merged journey: no gap', () => {
    const own = visitor('b', {
      hashes: { em: [h('a@x.co')] },
      fbp: 'fb.1.1700000000000.1',
      ip: '203.0.113.1',
    });
    const linked = [visitor('a', { hashes: { ph: [h('1415')], ct: [h('paris')] }, fbc: click('phone', 3) })];
    const merged = mergeLinkedJourneys(own, linked, EVENT);
    const event = buildCapiEvent(
      {
        leadEventSource: 'HubSpot',
        objectKey: 'hubspot:deal:1',
        eventName: 'DealWon',
        occurredAt: EVENT,
        journey: {
          externalId: own.externalId,
          linkedExternalIds: merged.externalIds.slice(1),
          fbc: merged.fbc,
          fbp: own.fbp,
          ip: own.ip,
          hashes: merged.hashes,
        },
      },
      { now: EVENT },
    );
    expect(Object.keys(event.user_data).sort()).toEqual([...knownMatchKeys(own, linked, EVENT)].sort());
    expect(event.user_data.external_id).toEqual([h('ext-b'), h('ext-a')]);
    expect(event.user_data.fbc).toBe(click('phone', 3).value);
  });
});

describe('platform hash keys (em_google, ph_e164)', () => {
  const own = visitor('b', {
    hashes: { em: [h('jane.doe@gmail.com')], em_google: [h('janedoe@gmail.com')] },
    ip: '203.0.113.1',
  });
  const linked = [visitor('a', { hashes: { ph: [h('14155550199')], ph_e164: [h('+14155550199')] } })];
  const metaEvent = (hashes: VisitorFacts['hashes']) =>
    buildCapiEvent(
      {
        leadEventSource: 'HubSpot',
        objectKey: 'hubspot:deal:1',
        eventName: 'DealWon',
        occurredAt: EVENT,
        journey: { externalId: own.externalId, ip: own.ip, hashes },
      },
      { now: EVENT },
    );

  it('merge across linked visitors like Meta’s keys', () => {
    expect(mergeLinkedJourneys(own, linked, EVENT).hashes).toEqual({
      em: [h('jane.doe@gmail.com')],
      ph: [h('14155550199')],
      em_google: [h('janedoe@gmail.com')],
      ph_e164: [h('+14155550199')],
    });
  });

  it('are neither coverage keys nor in Meta’s event, which stays byte-for-byte the same', () => {
    expect(knownMatchKeys(own, linked, EVENT)).toEqual(['em', 'ph', 'external_id', 'client_ip_address']);
    const merged = mergeLinkedJourneys(own, linked, EVENT).hashes;
    const metaOnly = { em: merged.em, ph: merged.ph };
    expect(JSON.stringify(metaEvent(merged))).toBe(JSON.stringify(metaEvent(metaOnly)));
    expect(JSON.stringify(metaEvent(merged))).not.toContain(h('janedoe@gmail.com'));
    expect(JSON.stringify(metaEvent(merged))).not.toContain(h('+14155550199'));
  });
});
