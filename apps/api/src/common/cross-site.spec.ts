import { crossSiteProblem } from './cross-site';

const BASIC = `Basic ${Buffer.from('admin:secret-token').toString('base64')}`;

describe('crossSiteProblem (CSRF for browser-held credentials)', () => {
  it.each([
    ['GET', { authorization: BASIC, 'sec-fetch-site': 'cross-site' }],
    ['POST', { authorization: 'Bearer secret-token', 'sec-fetch-site': 'cross-site' }],
    ['POST', { authorization: BASIC, 'sec-fetch-site': 'same-origin' }],
    ['PUT', { authorization: BASIC, 'sec-fetch-site': 'none' }],
    ['POST', { authorization: BASIC }], // curl and servers send no browser headers
    ['POST', { authorization: BASIC, origin: 'https://journey.example.com', host: 'journey.example.com' }],
    ['POST', { 'sec-fetch-site': 'cross-site' }], // no credentials: the auth check refuses it
  ])('lets %s %j through', (method, headers) => {
    expect(crossSiteProblem(method, headers)).toBeUndefined();
  });

  it.each([
    ['POST', { authorization: BASIC, 'sec-fetch-site': 'cross-site' }],
    ['POST', { authorization: BASIC, 'sec-fetch-site': 'same-site' }],
    ['DELETE', { authorization: BASIC, 'sec-fetch-site': 'cross-site' }],
    ['POST', { authorization: BASIC, origin: 'https://evil.test', host: 'journey.example.com' }],
    ['POST', { authorization: BASIC, origin: 'null', host: 'journey.example.com' }],
    ['POST', { cookie: 'session=1', 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s %j', (method, headers) => {
    expect(crossSiteProblem(method, headers)).toMatch(/cross-site request refused/);
  });
});
