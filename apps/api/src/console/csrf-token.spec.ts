import { csrfToken } from './csrf-token';

describe('csrfToken', () => {
  const admin = 'admin-token-0123456789';
  const basic = `Basic ${Buffer.from(`admin:${admin}`).toString('base64')}`;

  it('is stable for one credential and differs per credential and per admin token', () => {
    expect(csrfToken(admin, basic)).toBe(csrfToken(admin, basic));
    expect(csrfToken(admin, basic)).not.toBe(csrfToken(admin, `Bearer ${admin}`));
    expect(csrfToken(admin, basic)).not.toBe(csrfToken('another-admin-token-0123', basic));
  });

  it('reveals neither the credential nor the admin token', () => {
    const token = csrfToken(admin, basic);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain(admin);
  });
});
