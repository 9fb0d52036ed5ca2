/** SOAP 1.1 envelope namespace: Outbound Messages are SOAP 1.1 (crm-webhooks.md §3.2). */
export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Namespace of `notifications` / `notificationsResponse` in the Outbound Messaging WSDL. */
export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
/** Namespace of the sObject fields (`sf:Id`, `sf:StageName`, ...) in Outbound Messages. */
export const SOBJECT_ENTERPRISE_NS = 'urn:sobject.enterprise.soap.sforce.com';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
