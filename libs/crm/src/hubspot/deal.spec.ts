import { dealValue, parseDeal } from './deal';

describe('parseDeal', () => {
  it('reads the properties HubSpot returns as strings, and leaves unreadable ones out', () => {
    expect(
      parseDeal(
        {
          id: '7',
          properties: {
            amount: 'lots',
            deal_currency_code: 'US Dollar',
            pipeline: ' ',
            amount_in_home_currency: '12',
          },
        },
        '7',
      ),
    ).toEqual({ id: '7', amountInHomeCurrency: 12, contactIds: [], contactIdsComplete: true });
  });

  it('marks a paged contact list as incomplete and deduplicates ids', () => {
    const deal = parseDeal(
      {
        associations: {
          contacts: { results: [{ id: '1' }, { id: 1 }, { id: '2' }], paging: { next: { after: '2' } } },
        },
      },
      '9',
    );
    expect(deal).toMatchObject({ id: '9', contactIds: ['1', '2'], contactIdsComplete: false });
  });
});

describe('dealValue', () => {
  it("uses the deal's own amount and currency when it has one", () => {
    expect(dealValue({ amount: 5000, currency: 'USD', amountInHomeCurrency: 4600 }, 'EUR')).toEqual({
      value: 5000,
      currency: 'USD',
    });
  });

  it('uses the amount in the company currency when the deal has no currency', () => {
    expect(dealValue({ amount: 5000, amountInHomeCurrency: 5000 }, 'EUR')).toEqual({
      value: 5000,
      currency: 'EUR',
    });
    expect(dealValue({ amount: 70 }, 'GBP')).toEqual({ value: 70, currency: 'GBP' });
  });

  it('returns the value alone when no currency is known, and nothing without an amount', () => {
    expect(dealValue({ amount: 70 })).toEqual({ value: 70 });
    expect(dealValue({}, 'EUR')).toEqual({});
  });
});
