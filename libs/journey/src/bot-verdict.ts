import { isbot } from 'isbot';

export interface BotVerdict {
  isBot: boolean;
  /** Why it was judged automated: crawler (isbot's list), headless, automation, webdriver. */
  reason?: 'crawler' | 'headless' | 'automation' | 'webdriver';
}

// isbot covers crawlers; these catch headless browsers and automation frameworks it lets through.
const HEADLESS = /headlesschrome|headlessfirefox|phantomjs|slimerjs|electron\/|\bjsdom\b/i;
const AUTOMATION =
  /puppeteer|playwright|selenium|webdriver|cypress|nightmare|zombie\.js|htmlunit|lighthouse|chrome-lighthouse|pagespeed/i;

/**
 * Judges one touchpoint. `webdriver` is the browser's own `navigator.webdriver` flag when the tag or client
 * reports it in properties. A missing user agent (server-to-server ingest) is not evidence of a bot.
 */
export function judgeBot(userAgent: string | undefined, webdriver?: unknown): BotVerdict {
  if (webdriver === true || webdriver === 'true') return { isBot: true, reason: 'webdriver' };
  if (!userAgent) return { isBot: false };
  let verdict = verdicts.get(userAgent);
  if (!verdict) {
    verdict = judgeUserAgent(userAgent);
    if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
    verdicts.set(userAgent, verdict);
  }
  return verdict;
}

// Real traffic repeats a few thousand user agents; isbot's pattern is large, so each one is judged once.
const VERDICTS_KEPT = 10_000;
const verdicts = new Map<string, BotVerdict>();

function judgeUserAgent(userAgent: string): BotVerdict {
  if (HEADLESS.test(userAgent)) return { isBot: true, reason: 'headless' };
  if (AUTOMATION.test(userAgent)) return { isBot: true, reason: 'automation' };
  if (isbot(userAgent)) return { isBot: true, reason: 'crawler' };
  return { isBot: false };
}
