// The first-party JS tag served at GET /v1/tag.js, kept as a TS constant so dist/ is self-contained (tsc does
// not copy .js files). Plain ES2017, no dependencies, no build step. No backticks inside; the only
// substitutions are the version. Pure helpers are exported through `module.exports` under node:vm (tests).
// See docs/tag.md.

export const TAG_VERSION = '1.1.0';

export const TAG_SOURCE = String.raw`/*! journey tag ${TAG_VERSION} */
(function (w) {
  'use strict';
  var d = w.document, nav = w.navigator, loc = w.location;
  var KEYS = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage'];
  var FIELDS = ['email', 'phone', 'first_name', 'last_name', 'city', 'state', 'zip', 'country', 'date_of_birth', 'gender'];
  var FBC_RE = /^fb\.\d\.(\d{13})\.([^.\s;,]{1,500})(\.[A-Za-z0-9_-]{2,8})?$/;
  var FBP_RE = /^fb\.\d\.\d{13}\.\d{1,20}(\.[A-Za-z0-9_-]{2,8})?$/;
  var ID_RE = /^[\x21-\x7e]{1,128}$/;
  var HTTP_RE = /^https?:\/\//i;
  var noop = function () {};

  // Where a first-party cookie may live, top-most first: a.shop.co.uk -> co.uk, shop.co.uk, a.shop.co.uk.
  // The browser refuses public suffixes (co.uk), so the first domain that keeps the cookie is the registrable
  // one. IP addresses and single-label hosts (localhost) get a host-only cookie.
  function cookieDomains(host) {
    if (!host || host.indexOf('.') < 0 || /^[\d.]+$/.test(host) || host.indexOf(':') >= 0) return [];
    var parts = host.split('.'), out = [];
    for (var i = parts.length - 2; i >= 0; i--) out.push(parts.slice(i).join('.'));
    return out;
  }

  function readCookie(name) {
    var all = (d && d.cookie || '').split(/;\s*/);
    for (var i = 0; i < all.length; i++) {
      var eq = all[i].indexOf('=');
      if (eq > 0 && all[i].slice(0, eq) === name) return all[i].slice(eq + 1);
    }
    return undefined;
  }

  // Sets the cookie on the top-most domain that accepts it; returns that domain ('' for host-only).
  function writeCookie(name, value, days) {
    var base = name + '=' + value + '; path=/; SameSite=Lax; expires=' +
      new Date(Date.now() + days * 864e5).toUTCString() + (loc.protocol === 'https:' ? '; Secure' : '');
    var domains = cookieDomains(loc.hostname);
    for (var i = 0; i < domains.length; i++) {
      d.cookie = base + '; domain=' + domains[i];
      if (readCookie(name) === value) return domains[i];
    }
    d.cookie = base;
    return '';
  }

  function dropCookie(name) {
    var base = name + '=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
    cookieDomains(loc.hostname).forEach(function (dom) { d.cookie = base + '; domain=' + dom; });
    d.cookie = base;
  }

  function validFbc(value) {
    var m = FBC_RE.exec(value || '');
    return m && Number(m[1]) >= 1262304000000 && Number(m[1]) <= Date.now() + 6e5 ? value : undefined;
  }

  function validFbp(value) {
    return FBP_RE.test(value || '') ? value : undefined;
  }

  // The fbc for a page: a new fbclid makes fb.1.<now>.<fbclid> (kept byte-for-byte) to be written; the same
  // fbclid keeps the cookie (and its click time); no fbclid keeps whatever valid cookie there is.
  function resolveFbc(cookie, fbclid, now) {
    if (!fbclid || !/^[^.\s;,]{1,500}$/.test(fbclid)) return { value: validFbc(cookie) };
    var m = FBC_RE.exec(cookie || '');
    if (m && m[2] === fbclid && validFbc(cookie)) return { value: cookie };
    return { value: 'fb.1.' + now + '.' + fbclid, write: true };
  }

  function fbclidOf(url) {
    try { return new URL(url).searchParams.get('fbclid') || undefined; } catch (e) { return undefined; }
  }

  function uuid() {
    var b = w.crypto.getRandomValues(new Uint8Array(16)), h = '';
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
    return h;
  }

  // Country hints: the browser's language tag and IANA time zone let the server tell a national phone
  // number's region when the form names no country. Neither is personal data on its own.
  function localeHints() {
    var out = {};
    try { var tz = Intl.DateTimeFormat().resolvedOptions().timeZone; if (tz) out.time_zone = String(tz).slice(0, 64); } catch (e) { /* no Intl */ }
    var lang = nav && (nav.language || (nav.languages && nav.languages[0]));
    if (lang) out.locale = String(lang).slice(0, 35);
    return out;
  }

  function store(key, value) {
    try {
      if (value === undefined) return w.localStorage.getItem(key) || undefined;
      if (value === null) w.localStorage.removeItem(key);
      else w.localStorage.setItem(key, value);
    } catch (e) { /* storage blocked */ }
    return undefined;
  }

  var exported = { cookieDomains: cookieDomains, readCookie: readCookie, writeCookie: writeCookie, resolveFbc: resolveFbc, validFbc: validFbc, validFbp: validFbp, uuid: uuid, localeHints: localeHints };
  if (typeof module !== 'undefined' && module.exports) module.exports = exported;

  try {
    if (!d || !loc || (w.journey && w.journey.version)) return;
    var script = d.currentScript || d.querySelector('script[src*="/v1/tag"]');
    var src = script && script.src;
    if (!src) return;
    var api = new URL(src).origin;
    var attr = function (n) { return script.getAttribute(n); };
    var siteKey = attr('data-site-key');
    var consent = {}, queue = [], xid, stored, lastUrl;
    KEYS.forEach(function (k) { consent[k] = attr('data-consent-required') === 'true' ? 'denied' : 'granted'; });

    var allowed = function () { return consent.ad_storage === 'granted' && consent.ad_user_data === 'granted'; };

    var identity = function () {
      if (!xid) {
        xid = readCookie('_jsid') || store('_jsid') || uuid();
        if (!ID_RE.test(xid)) xid = uuid();
      }
      if (!stored) {
        stored = 1;
        writeCookie('_jsid', xid, 365);
        store('_jsid', xid);
      }
      return xid;
    };

    var post = function (path, body) {
      var data = JSON.stringify(body);
      try {
        // text/plain keeps it a simple request (no CORS preflight); the API reads it as JSON.
        if (w.fetch) return void w.fetch(api + path, { method: 'POST', body: data, keepalive: true, credentials: 'omit', headers: { 'content-type': 'text/plain' } }).catch(noop);
      } catch (e) { /* fall back to a beacon */ }
      try { nav.sendBeacon(api + path, data); } catch (e) { /* nothing more to try */ }
    };

    var deliver = function (item) {
      var body = item.body;
      body.external_id = identity();
      body.consent = Object.assign({}, consent);
      if (item.path === '/v1/touchpoints') {
        var fbc = resolveFbc(readCookie('_fbc'), fbclidOf(body.url), item.t);
        if (fbc.write) writeCookie('_fbc', fbc.value, 90);
        if (fbc.value) body.fbc = fbc.value;
        var fbp = validFbp(readCookie('_fbp'));
        if (fbp) body.fbp = fbp;
        Object.assign(body, localeHints());
      }
      post(item.path, body);
    };

    // Before consent (when required) nothing is stored or sent: items wait in memory.
    var send = function (path, body) {
      var item = { path: path, body: body, t: Date.now() };
      if (allowed()) deliver(item);
      else if (queue.length < 50) queue.push(item);
    };

    var touch = function (name, data, referrer, id) {
      var props = Object.assign({}, data, { webdriver: !!nav.webdriver, tag_version: '${TAG_VERSION}' });
      if (siteKey) props.site_key = siteKey;
      var body = { url: loc.href, event_name: name, event_id: id || uuid(), properties: props };
      if (referrer && HTTP_RE.test(referrer)) body.referrer = referrer;
      send('/v1/touchpoints', body);
      return body.event_id;
    };

    var identify = function (fields, name, id) {
      var body = { event_name: name || 'Lead', event_id: id || uuid() };
      FIELDS.forEach(function (k) { if (fields && fields[k]) body[k] = String(fields[k]).trim(); });
      send('/v1/forms', body);
      return body.event_id;
    };

    var hidden = function (form, name, value) {
      var input = form.querySelector('input[type=hidden][name="' + name + '"]');
      if (!input) {
        input = d.createElement('input');
        input.type = 'hidden';
        input.name = name;
        form.appendChild(input);
      }
      input.value = value;
    };

    var journey = {
      version: '${TAG_VERSION}',
      track: function (name, data) {
        try { return touch(name, data, d.referrer); } catch (e) { return undefined; }
      },
      identify: function (fields) {
        try { return identify(fields); } catch (e) { return undefined; }
      },
      consent: function (update) {
        try {
          KEYS.forEach(function (k) { if (update && (update[k] === 'granted' || update[k] === 'denied')) consent[k] = update[k]; });
          if (allowed()) {
            var items = queue;
            queue = [];
            items.forEach(deliver);
          } else {
            xid = stored = undefined;
            dropCookie('_jsid');
            store('_jsid', null);
          }
        } catch (e) { /* never into the host page */ }
      },
      externalId: function () { return allowed() ? xid || identity() : undefined; },
    };

    var pre = Array.isArray(w.journey) ? w.journey : [];
    w.journey = journey;

    // Opt-in form capture: one event id for the hidden inputs, the Pixel and the server.
    d.addEventListener('submit', function (event) {
      try {
        var form = event.target;
        if (!form || !form.hasAttribute || !form.hasAttribute('data-journey-form')) return;
        var fields = {};
        FIELDS.forEach(function (k) { var el = form.elements[k]; if (el && el.value) fields[k] = el.value; });
        if (!fields.email) {
          var mail = form.querySelector('input[type=email]');
          if (mail && mail.value) fields.email = mail.value;
        }
        var id = identify(fields, 'Lead');
        hidden(form, 'event_id', id);
        if (allowed()) hidden(form, 'external_id', identity());
        if (typeof w.fbq === 'function') w.fbq('track', 'Lead', {}, { eventID: id });
      } catch (e) { /* never into the host page */ }
    }, true);

    // SPA navigations: one PageView per URL change (in-page #anchors excepted; #/ and #! routes count).
    var key = function (u) { return String(u).replace(/#(?![!/]).*$/, ''); };
    var navigated = function () {
      try {
        if (key(loc.href) === key(lastUrl)) return;
        var from = lastUrl;
        lastUrl = loc.href;
        touch('PageView', {}, from);
      } catch (e) { /* never into the host page */ }
    };
    ['pushState', 'replaceState'].forEach(function (m) {
      var original = w.history && w.history[m];
      if (typeof original !== 'function') return;
      w.history[m] = function () {
        var result = original.apply(this, arguments);
        navigated();
        return result;
      };
    });
    w.addEventListener('popstate', navigated);

    lastUrl = loc.href;
    touch('PageView', {}, d.referrer);
    pre.forEach(function (call) {
      try { if (call && journey[call[0]]) journey[call[0]].apply(journey, [].slice.call(call, 1)); } catch (e) { /* skip */ }
    });
  } catch (e) { /* never into the host page */ }
})(typeof window !== 'undefined' ? window : {});
`;
