// The reply Salesforce expects to an Outbound Message (crm-webhooks.md §3.3): HTTP 200, Content-Type
// text/xml, and a SOAP `notificationsResponse` whose single `Ack` covers every notification in the
// message. Anything else (non-200, missing Ack, `<Ack>false</Ack>`) is a failure that Salesforce retries,
// with back-off up to 2 hours apart, until the message is 24 hours old.
//
// The reference documents no SOAP Fault for this endpoint, so a failure is answered with the same
// envelope carrying `<Ack>false</Ack>`, sent with a non-200 status (5xx when our store failed, 4xx for
// a bad body): either the status or the false Ack alone makes Salesforce retry.

export const SALESFORCE_ACK_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** The exact `notificationsResponse` envelope, `<Ack>true</Ack>` when ok, `<Ack>false</Ack>` otherwise. */
export function salesforceAck(ok: boolean): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">',
    '  <soapenv:Body>',
    '    <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">',
    `      <Ack>${ok ? 'true' : 'false'}</Ack>`,
    '    </notificationsResponse>',
    '  </soapenv:Body>',
    '</soapenv:Envelope>',
  ].join('\n');
}
