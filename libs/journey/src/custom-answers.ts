// Custom form answers are stored as sent (they are not contact keys), so an email address hidden in one would
// be stored raw. Such an answer is left out, named, and the rest of the form kept: refusing the whole form
// would lose its good email, CRM ids and the Lead event for one misplaced value.

const EMAIL_INSIDE = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,}/i;

export const EMAIL_IN_CUSTOM_ANSWER = 'holds an email address: send it as email, where it is hashed';

export interface CleanedAnswers {
  /** The answers without the dropped ones; undefined when nothing was sent. */
  fields?: Record<string, unknown>;
  /** Dotted paths (`fields.contact.0`) of the answers left out. */
  droppedPaths: string[];
}

/** Removes every string answer (at any depth, in objects or lists) that holds an email address. */
export function dropEmailsFromCustomAnswers(fields: Record<string, unknown> | undefined): CleanedAnswers {
  if (fields === undefined) return { droppedPaths: [] };
  const droppedPaths: string[] = [];
  const clean = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) {
      return value.flatMap((item, index) => {
        const kept = clean(item, `${path}.${index}`);
        return kept === DROPPED ? [] : [kept];
      });
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value)
        .map(([key, child]) => [key, clean(child, `${path}.${key}`)] as const)
        .filter(([, kept]) => kept !== DROPPED);
      return Object.fromEntries(entries);
    }
    if (typeof value === 'string' && EMAIL_INSIDE.test(value)) {
      droppedPaths.push(path);
      return DROPPED;
    }
    return value;
  };
  return { fields: clean(fields, 'fields') as Record<string, unknown>, droppedPaths };
}

const DROPPED = Symbol('dropped');
