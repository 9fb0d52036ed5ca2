// Sample Outbound Messages used by the specs.

/** crm-webhooks.md §3.2, verbatim (values illustrative). */
export const REFERENCE_OPPORTUNITY_MESSAGE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00De0000000pmu1EAA</OrganizationId>
   <ActionId>04ke0000000Cb2DAAS</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://cs15.salesforce.com/services/Soap/c/29.0/00De0000000pmu1</EnterpriseUrl>
   <PartnerUrl>https://cs15.salesforce.com/services/Soap/u/29.0/00De0000000pmu1</PartnerUrl>
   <Notification>
    <Id>04le0000004lnFFAAY</Id>
    <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>0067F000003pmdWQAQ</sf:Id>
     <sf:AccountId>0017F000007ydJmQAI</sf:AccountId>
     <sf:Amount>120000.0</sf:Amount>
     <sf:IsClosed>true</sf:IsClosed>
     <sf:IsWon>true</sf:IsWon>
     <sf:StageName>Closed Won</sf:StageName>
     <sf:Visitor_Id__c>v_8f3c…</sf:Visitor_Id__c>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

/**
 * A captured message (custom object, with a SessionId) from the public fixture in
 * redhotpenguin/perl-WebService-Salesforce-Message, t/WebService-Salesforce-Message.t.
 */
export const CAPTURED_CUSTOM_OBJECT_MESSAGE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00De0000000pmu1EAA</OrganizationId>
   <ActionId>04ke0000000Cb2DAAS</ActionId>
   <SessionId>00De0000000pmu1!AQsAQJ6TzpySaKROMNTwKzcOluY5SsZ0rFz9nhA3ktEIly2om86AQtWIbEaakQ9x1lTKNohBaUhDaz2ZD3RSUDCWAGuvJbS0</SessionId>
   <EnterpriseUrl>https://cs15.salesforce.com/services/Soap/c/29.0/00De0000000pmu1</EnterpriseUrl>
   <PartnerUrl>https://cs15.salesforce.com/services/Soap/u/29.0/00De0000000pmu1</PartnerUrl>
   <Notification>
    <Id>04le0000004lnFFAAY</Id>
    <sObject xsi:type="sf:State_Province__c" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>a29e0000000K4P0AAK</sf:Id>
     <sf:Abbrev__c>AR</sf:Abbrev__c>
     <sf:Country__c>a28e00000002hMtAAI</sf:Country__c>
     <sf:Name>Arkansas</sf:Name>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;

/** The same kind of message with every prefix changed and the sObject fields in the default namespace. */
export const OTHER_PREFIXES_LEAD_MESSAGE = `<?xml version="1.0"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
<SOAP-ENV:Header/>
<SOAP-ENV:Body>
<out:notifications xmlns:out="http://soap.sforce.com/2005/09/outbound">
<out:OrganizationId>00De0000000pmu1</out:OrganizationId>
<out:Notification>
<out:Id>04le0000004lnFGAAY</out:Id>
<out:sObject i:type="ns2:Lead" xmlns:ns2="urn:sobject.enterprise.soap.sforce.com" xmlns="urn:sobject.enterprise.soap.sforce.com">
<Id>00Q5e00000AbCdEEAV</Id>
<Status>Working &amp; Contacted</Status>
<SystemModstamp>2024-05-01T10:20:30.000+0000</SystemModstamp>
<Journey_External_Id__c><![CDATA[ext_<1>]]></Journey_External_Id__c>
</out:sObject>
</out:Notification>
</out:notifications>
</SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;
