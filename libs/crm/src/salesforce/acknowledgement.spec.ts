import { XMLValidator } from 'fast-xml-parser';
import { SALESFORCE_ACK_CONTENT_TYPE, salesforceAck } from './acknowledgement';

// crm-webhooks.md §3.3, verbatim.
const DOCUMENTED_ACK = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Body>
    <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
      <Ack>true</Ack>
    </notificationsResponse>
  </soapenv:Body>
</soapenv:Envelope>`;

describe('salesforceAck', () => {
  it('returns the documented notificationsResponse with <Ack>true</Ack>', () => {
    expect(salesforceAck(true)).toBe(DOCUMENTED_ACK);
  });

  it('returns the same envelope with <Ack>false</Ack> for a failure (Salesforce retries it)', () => {
    expect(salesforceAck(false)).toBe(DOCUMENTED_ACK.replace('<Ack>true</Ack>', '<Ack>false</Ack>'));
  });

  it('is well-formed XML, with one Ack for the whole message', () => {
    for (const ok of [true, false]) {
      expect(XMLValidator.validate(salesforceAck(ok))).toBe(true);
      expect(salesforceAck(ok).match(/<Ack>/g)).toHaveLength(1);
    }
  });

  it('is sent as text/xml', () => {
    expect(SALESFORCE_ACK_CONTENT_TYPE).toBe('text/xml; charset=utf-8');
  });
});
