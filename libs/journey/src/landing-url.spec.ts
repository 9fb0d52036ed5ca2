import { hasCampaignData, parseCampaignParams } from './landing-url';

describe('parseCampaignParams', () => {
  it('reads every UTM and click id once-decoded and case-preserved', () => {
    const url =
      'https://shop.test/p?utm_source=Facebook&utm_medium=paid%20social&utm_campaign=BF-2026&utm_term=t&utm_content=c&utm_id=42' +
      '&fbclid=IwAR%2BAbC&gclid=Cj0&gbraid=GB&wbraid=WB&ttclid=TT&msclkid=MS&li_fat_id=LI&other=1';
    expect(parseCampaignParams(url)).toEqual({
      utm_source: 'Facebook',
      utm_medium: 'paid social',
      utm_campaign: 'BF-2026',
      utm_term: 't',
      utm_content: 'c',
      utm_id: '42',
      fbclid: 'IwAR+AbC',
      gclid: 'Cj0',
      gbraid: 'GB',
      wbraid: 'WB',
      ttclid: 'TT',
      msclkid: 'MS',
      li_fat_id: 'LI',
    });
  });

  it('keeps the first of repeated parameters and drops empty or oversized ones', () => {
    expect(
      parseCampaignParams(`https://x.test/?fbclid=A&fbclid=B&gclid=&utm_source=${'x'.repeat(600)}`),
    ).toEqual({
      fbclid: 'A',
    });
  });

  it('tells campaign touchpoints from direct ones', () => {
    expect(hasCampaignData(parseCampaignParams('https://x.test/pricing?ref=nav'))).toBe(false);
    expect(hasCampaignData(parseCampaignParams('https://x.test/?gclid=1'))).toBe(true);
    expect(hasCampaignData(parseCampaignParams('https://x.test/?utm_medium=email'))).toBe(true);
  });
});
