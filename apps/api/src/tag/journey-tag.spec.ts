import { webcrypto } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { TAG_SOURCE, TAG_VERSION } from './journey-tag.source';
import { TAG_GZIP_BUDGET_BYTES } from './tag-asset';

interface Helpers {
  cookieDomains(host: string): string[];
  resolveFbc(
    cookie: string | undefined,
    fbclid: string | undefined,
    now: number,
  ): { value?: string; write?: true };
  validFbp(value: string | undefined): string | undefined;
  uuid(): string;
}

interface Posted {
  url: string;
  init: { method: string; body: string; keepalive: boolean; headers: Record<string, string> };
}

/** A cookie jar that behaves like a browser's for domain cookies: public suffixes are refused. */
class CookieJar {
  static readonly PUBLIC_SUFFIXES = new Set(['uk', 'co.uk', 'com', 'test', 'github.io']);
  readonly cookies = new Map<
    string,
    { value: string; domain: string; attributes: string; expires: number }
  >();
  constructor(private readonly host: string) {}

  set(line: string): void {
    const [pair, ...attributes] = line.split(/;\s*/);
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    const domainAttr = attributes.find((a) => a.toLowerCase().startsWith('domain='));
    const domain = domainAttr ? domainAttr.slice(7) : '';
    if (domain && (CookieJar.PUBLIC_SUFFIXES.has(domain) || !`.${this.host}`.endsWith(`.${domain}`))) return;
    const expiresAttr = attributes.find((a) => a.toLowerCase().startsWith('expires='));
    const expires = expiresAttr ? Date.parse(expiresAttr.slice(8)) : Infinity;
    const key = `${name}@${domain}`;
    if (expires <= Date.now()) this.cookies.delete(key);
    else this.cookies.set(key, { value, domain, attributes: attributes.join('; '), expires });
  }

  get(): string {
    return [...this.cookies.entries()].map(([key, c]) => `${key.split('@')[0]}=${c.value}`).join('; ');
  }

  find(name: string) {
    return [...this.cookies.entries()].find(([key]) => key.split('@')[0] === name)?.[1];
  }
}

function helpers(): Helpers {
  const module = { exports: {} as Helpers };
  runInNewContext(TAG_SOURCE, { module, URL });
  return module.exports;
}

/** Runs the tag on a fake page; returns what it stored and posted. */
function loadTag(
  href: string,
  options: { consentRequired?: boolean; cookies?: string[]; referrer?: string } = {},
) {
  const url = new URL(href);
  const jar = new CookieJar(url.hostname);
  for (const line of options.cookies ?? []) jar.set(line);
  const posted: Posted[] = [];
  const storage = new Map<string, string>();
  const listeners: Record<string, ((event: unknown) => void)[]> = {};
  const location = {
    get href() {
      return url.href;
    },
    get hostname() {
      return url.hostname;
    },
    get protocol() {
      return url.protocol;
    },
  };
  const script = {
    src: 'https://api.journey.example/v1/tag.js',
    getAttribute: (name: string) =>
      ({ 'data-site-key': 'site-1', 'data-consent-required': String(!!options.consentRequired) })[name] ??
      null,
  };
  const window: Record<string, unknown> = {
    location,
    navigator: { webdriver: false },
    crypto: webcrypto,
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
    history: {
      pushState: (_state: unknown, _title: string, next: string) => {
        url.href = new URL(next, url).href;
      },
      replaceState: () => undefined,
    },
    fetch: (target: string, init: Posted['init']) => {
      posted.push({ url: target, init });
      return Promise.resolve();
    },
    addEventListener: (type: string, fn: (event: unknown) => void) => (listeners[type] ??= []).push(fn),
    document: {
      currentScript: script,
      referrer: options.referrer ?? '',
      get cookie() {
        return jar.get();
      },
      set cookie(line: string) {
        jar.set(line);
      },
      addEventListener: () => undefined,
    },
  };
  runInNewContext(TAG_SOURCE, { window, URL, Uint8Array, Object, Array, JSON, Date, String, Number });
  const journey = window.journey as {
    track(name: string, data?: object): string;
    consent(state: Record<string, string>): void;
  };
  const bodies = () => posted.map((p) => JSON.parse(p.init.body) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  return { jar, posted, bodies, storage, journey, window };
}

describe('journey tag', () => {
  const sut = helpers();

  it(`stays within ${TAG_GZIP_BUDGET_BYTES} bytes gzipped`, () => {
    expect(gzipSync(TAG_SOURCE, { level: 9 }).length).toBeLessThanOrEqual(TAG_GZIP_BUDGET_BYTES);
    expect(TAG_SOURCE).toContain(`journey tag ${TAG_VERSION}`);
  });

  describe('cookie domain', () => {
    it('lists candidate domains top-most first', () => {
      expect(sut.cookieDomains('www.shop.co.uk')).toEqual(['co.uk', 'shop.co.uk', 'www.shop.co.uk']);
      expect(sut.cookieDomains('shop.com')).toEqual(['shop.com']);
    });

    it('uses host-only cookies for IP addresses and single-label hosts', () => {
      expect(sut.cookieDomains('127.0.0.1')).toEqual([]);
      expect(sut.cookieDomains('localhost')).toEqual([]);
      expect(sut.cookieDomains('::1')).toEqual([]);
    });

    it('keeps _jsid on the registrable domain (the top-most one the browser accepts), 1 year, SameSite=Lax', () => {
      const page = loadTag('https://www.blog.shop.co.uk/post');
      const jsid = page.jar.find('_jsid')!;
      expect(jsid.domain).toBe('shop.co.uk');
      expect(jsid.attributes).toMatch(/SameSite=Lax/);
      expect(jsid.attributes).toMatch(/Secure/);
      expect(jsid.expires - Date.now()).toBeGreaterThan(364 * 86400e3);
      expect(page.storage.get('_jsid')).toBe(jsid.value);
      expect(page.bodies()[0].external_id).toBe(jsid.value);
    });

    it('keeps an existing external_id from the cookie, else from localStorage', () => {
      const page = loadTag('https://shop.com/', { cookies: ['_jsid=visitor-1; domain=shop.com'] });
      expect(page.bodies()[0].external_id).toBe('visitor-1');
    });
  });

  describe('fbc', () => {
    const now = 1_767_225_600_000; // 2026-01-01
    const old = 1_764_547_200_000;

    it('creates fb.1.<ms>.<fbclid> from a new fbclid, case kept byte-for-byte', () => {
      expect(sut.resolveFbc(undefined, 'AbC-123_xYz', now)).toEqual({
        value: `fb.1.${now}.AbC-123_xYz`,
        write: true,
      });
    });

    it('keeps the cookie (and its click time) when the URL carries the same fbclid', () => {
      expect(sut.resolveFbc(`fb.1.${old}.AbC-123_xYz`, 'AbC-123_xYz', now)).toEqual({
        value: `fb.1.${old}.AbC-123_xYz`,
      });
    });

    it('replaces a cookie holding another fbclid (case matters)', () => {
      expect(sut.resolveFbc(`fb.1.${old}.abc-123_xyz`, 'AbC-123_xYz', now)).toEqual({
        value: `fb.1.${now}.AbC-123_xYz`,
        write: true,
      });
    });

    it('keeps a valid cookie without an fbclid and drops a malformed one', () => {
      expect(sut.resolveFbc(`fb.1.${old}.Zz`, undefined, now)).toEqual({ value: `fb.1.${old}.Zz` });
      expect(sut.resolveFbc('fb.1.123.Zz', undefined, now)).toEqual({ value: undefined });
      expect(sut.resolveFbc(undefined, 'has.dot', now)).toEqual({ value: undefined });
    });

    it('writes _fbc for 90 days on landing and sends fbc and a valid _fbp', () => {
      const before = Date.now();
      const page = loadTag('https://www.shop.com/?fbclid=AbC-123_xYz', {
        cookies: ['_fbp=fb.1.1700000000000.123456789'],
      });
      const fbc = page.jar.find('_fbc')!;
      expect(fbc.domain).toBe('shop.com');
      expect(fbc.value).toMatch(/^fb\.1\.\d{13}\.AbC-123_xYz$/);
      expect(Number(fbc.value.split('.')[2])).toBeGreaterThanOrEqual(before);
      expect(Math.round((fbc.expires - Date.now()) / 86400e3)).toBe(90);
      expect(page.bodies()[0]).toMatchObject({ fbc: fbc.value, fbp: 'fb.1.1700000000000.123456789' });
    });
  });

  describe('touchpoints', () => {
    it('posts a PageView as text/plain with keepalive to the API origin of its own src', () => {
      const page = loadTag('https://www.shop.com/a?utm_source=x', { referrer: 'https://google.com/' });
      expect(page.posted).toHaveLength(1);
      const [{ url, init }] = page.posted;
      expect(url).toBe('https://api.journey.example/v1/touchpoints');
      expect(init).toMatchObject({
        method: 'POST',
        keepalive: true,
        headers: { 'content-type': 'text/plain' },
      });
      expect(page.bodies()[0]).toMatchObject({
        url: 'https://www.shop.com/a?utm_source=x',
        event_name: 'PageView',
        referrer: 'https://google.com/',
        consent: { ad_storage: 'granted', ad_user_data: 'granted' },
        properties: { webdriver: false, site_key: 'site-1' },
      });
    });

    it('track returns the event_id it sent; a history navigation sends a PageView', () => {
      const page = loadTag('https://www.shop.com/');
      const eventId = page.journey.track('AddToCart', { value: 3 });
      expect(page.bodies()[1]).toMatchObject({ event_name: 'AddToCart', event_id: eventId });
      (page.window.history as { pushState(s: unknown, t: string, u: string): void }).pushState(
        {},
        '',
        '/next',
      );
      expect(page.bodies()[2]).toMatchObject({ event_name: 'PageView', referrer: 'https://www.shop.com/' });
      expect(page.bodies()[2].url).toBe('https://www.shop.com/next');
    });

    it('with consent required stores and sends nothing until ad storage and user data are granted', () => {
      const page = loadTag('https://www.shop.com/?fbclid=Q1', { consentRequired: true });
      const eventId = page.journey.track('Contact');
      expect(page.posted).toHaveLength(0);
      expect(page.jar.cookies.size).toBe(0);
      expect(page.storage.size).toBe(0);
      page.journey.consent({ ad_storage: 'granted' });
      expect(page.posted).toHaveLength(0);
      page.journey.consent({ ad_user_data: 'granted' });
      expect(page.bodies().map((b) => b.event_name)).toEqual(['PageView', 'Contact']);
      expect(page.bodies()[1].event_id).toBe(eventId);
      expect(page.bodies()[0].consent).toEqual({
        ad_storage: 'granted',
        ad_user_data: 'granted',
        ad_personalization: 'denied',
        analytics_storage: 'denied',
      });
      expect(page.jar.find('_jsid')).toBeDefined();
      expect(page.bodies()[0].fbc).toMatch(/^fb\.1\.\d{13}\.Q1$/);
      page.journey.consent({ ad_storage: 'denied' });
      expect(page.jar.find('_jsid')).toBeUndefined();
      expect(page.storage.size).toBe(0);
    });

    it('never throws into the host page', () => {
      const window = {
        location: { href: 'https://x.com/', hostname: 'x.com', protocol: 'https:' },
        document: {
          currentScript: { src: 'https://api.example/v1/tag.js', getAttribute: () => null },
          get cookie(): string {
            throw new Error('blocked');
          },
        },
      };
      expect(() => runInNewContext(TAG_SOURCE, { window, URL })).not.toThrow();
    });
  });
});
