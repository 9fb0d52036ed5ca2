import { judgeBot } from './bot-verdict';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('judgeBot', () => {
  it.each([
    [CHROME, { isBot: false }],
    [IPHONE, { isBot: false }],
    [
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      { isBot: true, reason: 'crawler' },
    ],
    [
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      { isBot: true, reason: 'crawler' },
    ],
    [CHROME.replace('Chrome/', 'HeadlessChrome/'), { isBot: true, reason: 'headless' }],
    [`${CHROME} Puppeteer`, { isBot: true, reason: 'automation' }],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome-Lighthouse',
      { isBot: true, reason: 'automation' },
    ],
  ])('%s', (ua, verdict) => {
    expect(judgeBot(ua)).toEqual(verdict);
  });

  it('trusts navigator.webdriver over a human-looking user agent', () => {
    expect(judgeBot(CHROME, true)).toEqual({ isBot: true, reason: 'webdriver' });
  });

  it('does not call a missing user agent (server-to-server ingest) a bot', () => {
    expect(judgeBot(undefined)).toEqual({ isBot: false });
  });
});
