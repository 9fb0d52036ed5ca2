import { verifySalesforceOrganization } from './verify';

const ORG_18 = '00De0000000pmu1EAA';

describe('verifySalesforceOrganization', () => {
  it('accepts an allow-listed organization, in either id form', () => {
    expect(verifySalesforceOrganization(() => ORG_18, ['00De0000000pmu1'])).toEqual({
      ok: true,
      scheme: 'org_id',
    });
    expect(verifySalesforceOrganization(() => '00De0000000pmu1', [ORG_18]).ok).toBe(true);
  });

  it('refuses an organization that is not on the list', () => {
    expect(verifySalesforceOrganization(() => '00Dxx0000001gPLEAY', [ORG_18])).toEqual({
      ok: false,
      reason: 'unknown_organization',
    });
  });

  it('refuses everything without a list, before reading the message', () => {
    const organizationId = jest.fn(() => ORG_18);
    expect(verifySalesforceOrganization(organizationId, [])).toEqual({ ok: false, reason: 'not_configured' });
    expect(organizationId).not.toHaveBeenCalled();
  });
});
