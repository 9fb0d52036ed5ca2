// Builds an Outbound Message shaped exactly like the ones Salesforce sends (crm-webhooks.md §3.2 and the
// captured message in redhotpenguin/perl-WebService-Salesforce-Message): for tests and for
// `npm run webhook:test -- salesforce`.
import { randomInt } from 'node:crypto';
import {
  OUTBOUND_NS,
  SOAP_ENVELOPE_NS,
  SOBJECT_ENTERPRISE_NS,
  XSD_NS,
  XSI_NS,
} from '@app/crm/salesforce/namespaces';
import { isSalesforceId, toSalesforceId18 } from '@app/crm/salesforce/org-id';

/** A field value; null is sent as `xsi:nil="true"`, undefined is left out. */
export type SalesforceFieldValue = string | number | boolean | null | undefined;

export interface OutboundNotificationInput {
  /** The notification Id (`04l…`). */
  id: string;
  /** sObject API name: `Opportunity`, `Lead`, `Contact`, `My_Object__c`. */
  sObjectType: string;
  /** Field API name → value. `Id` is written first, as Salesforce does; the rest in the given order. */
  fields: Record<string, SalesforceFieldValue>;
}

export interface OutboundMessageInput {
  organizationId: string;
  notifications: OutboundNotificationInput[];
  /** The Outbound Message action (`04k…`); default a fixed placeholder. */
  actionId?: string;
  /** Only sent when "Send Session ID" is ticked; default nil. */
  sessionId?: string | null;
  /** Default `https://example.my.salesforce.com/services/Soap/c/62.0/<org id 15>`. */
  enterpriseUrl?: string;
  /** Default `https://example.my.salesforce.com/services/Soap/u/62.0/<org id 15>`. */
  partnerUrl?: string;
}

const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function escapeXml(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(value)) {
    throw new Error('value contains a character XML 1.0 cannot carry');
  }
  return value.replace(/[<>&'"\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function requireId(value: string, what: string): string {
  if (!isSalesforceId(value)) throw new Error(`${what} must be a 15- or 18-character Salesforce id`);
  return value;
}

function fieldLine(name: string, value: SalesforceFieldValue): string | undefined {
  if (value === undefined) return undefined;
  if (!API_NAME.test(name))
    throw new Error(`field name ${JSON.stringify(name)} is not a Salesforce API name`);
  if (value === null) return `     <sf:${name} xsi:nil="true"/>`;
  return `     <sf:${name}>${escapeXml(String(value))}</sf:${name}>`;
}

/** A random, well-formed 18-character id with the given 3-character key prefix (`00D`, `04l`, `006`, `00Q`). */
export function randomSalesforceId(keyPrefix: string): string {
  if (!/^[A-Za-z0-9]{3}$/.test(keyPrefix)) throw new Error('keyPrefix must be 3 letters or digits');
  let id = keyPrefix;
  while (id.length < 15) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return toSalesforceId18(id)!;
}

/** The SOAP 1.1 envelope Salesforce POSTs (Content-Type `text/xml; charset=utf-8`, `SOAPAction: ""`). */
export function buildOutboundMessage(input: OutboundMessageInput): string {
  const org = requireId(input.organizationId, 'organizationId');
  const org15 = org.slice(0, 15);
  const actionId = requireId(input.actionId ?? toSalesforceId18('04k000000000001')!, 'actionId');
  const enterpriseUrl =
    input.enterpriseUrl ?? `https://example.my.salesforce.com/services/Soap/c/62.0/${org15}`;
  const partnerUrl = input.partnerUrl ?? `https://example.my.salesforce.com/services/Soap/u/62.0/${org15}`;
  const session =
    input.sessionId == null
      ? '   <SessionId xsi:nil="true"/>'
      : `   <SessionId>${escapeXml(input.sessionId)}</SessionId>`;

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}" xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}">`,
    ' <soapenv:Body>',
    `  <notifications xmlns="${OUTBOUND_NS}">`,
    `   <OrganizationId>${org}</OrganizationId>`,
    `   <ActionId>${actionId}</ActionId>`,
    session,
    `   <EnterpriseUrl>${escapeXml(enterpriseUrl)}</EnterpriseUrl>`,
    `   <PartnerUrl>${escapeXml(partnerUrl)}</PartnerUrl>`,
  ];
  input.notifications.forEach((n, i) => {
    if (!API_NAME.test(n.sObjectType)) throw new Error(`notifications[${i}].sObjectType is not an API name`);
    const { Id, ...rest } = n.fields;
    lines.push(
      '   <Notification>',
      `    <Id>${requireId(n.id, `notifications[${i}].id`)}</Id>`,
      `    <sObject xsi:type="sf:${n.sObjectType}" xmlns:sf="${SOBJECT_ENTERPRISE_NS}">`,
    );
    for (const [name, value] of [['Id', Id] as const, ...Object.entries(rest)]) {
      const line = fieldLine(name, value);
      if (line !== undefined) lines.push(line);
    }
    lines.push('    </sObject>', '   </Notification>');
  });
  lines.push('  </notifications>', ' </soapenv:Body>', '</soapenv:Envelope>');
  return lines.join('\n');
}
