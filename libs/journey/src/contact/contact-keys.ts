// Meta CAPI user_data contact keys and the wire (form/CRM) field names that feed them.

export type ContactKey = 'em' | 'ph' | 'fn' | 'ln' | 'ct' | 'st' | 'zp' | 'country' | 'db' | 'ge';

export const CONTACT_FIELDS = [
  'email',
  'phone',
  'first_name',
  'last_name',
  'city',
  'state',
  'zip',
  'country',
  'date_of_birth',
  'gender',
] as const;

export type ContactField = (typeof CONTACT_FIELDS)[number];

export const CONTACT_KEY_BY_FIELD: Readonly<Record<ContactField, ContactKey>> = {
  email: 'em',
  phone: 'ph',
  first_name: 'fn',
  last_name: 'ln',
  city: 'ct',
  state: 'st',
  zip: 'zp',
  country: 'country',
  date_of_birth: 'db',
  gender: 'ge',
};

export type RawContact = { [F in ContactField]?: string };
