import { isIP } from 'node:net';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** Our ids (external_id, anonymous_id, event_id): 1–128 visible ASCII characters. */
export const ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** A JSON object (not an array) small and shallow enough to store as a property bag. */
export function IsBoundedObject(maxBytes: number, maxDepth: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBoundedObject',
      target: target.constructor,
      propertyName,
      options: {
        message: `$property must be a JSON object of at most ${maxBytes} bytes and depth ${maxDepth}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          withinDepth(value, maxDepth) &&
          Buffer.byteLength(JSON.stringify(value)) <= maxBytes,
      },
    });
}

/** An absolute http(s) URL that the WHATWG parser accepts. */
export function IsHttpUrl(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isHttpUrl',
      target: target.constructor,
      propertyName,
      options: { message: '$property must be an absolute http(s) URL', ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
          } catch {
            return false;
          }
        },
      },
    });
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 timestamp with a time zone, between 2000 and ten minutes from now (clock skew). */
export function IsRecentTimestamp(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isRecentTimestamp',
      target: target.constructor,
      propertyName,
      options: { message: '$property must be an ISO-8601 time with a zone, not in the future', ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const parts = TIMESTAMP.exec(value);
          if (!parts || !isCalendarDate(Number(parts[1]), Number(parts[2]), Number(parts[3]))) return false;
          if (Number(parts[4]) > 23 || Number(parts[5]) > 59 || Number(parts[6] ?? 0) > 59) return false;
          const ms = Date.parse(value);
          return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms <= Date.now() + 10 * 60 * 1000;
        },
      },
    });
}

/** Date.parse rolls 2026-02-30 over to March; a real calendar date survives the round trip. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An IPv4 or IPv6 address as Postgres `inet` stores it (no IPv6 zone id such as %eth0). */
export function IsPlainIp(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPlainIp',
      target: target.constructor,
      propertyName,
      options: { message: '$property must be an IPv4 or IPv6 address', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIP(value) !== 0 && !value.includes('%'),
      },
    });
}

const META_COOKIE = {
  fbc: /^fb\.\d\.(\d{13})\.[^.\s]{1,500}(\.[A-Za-z0-9_-]{2,8})?$/,
  fbp: /^fb\.\d\.(\d{13})\.\d{1,20}(\.[A-Za-z0-9_-]{2,8})?$/,
};
/** Meta's cookies were created after Meta's pixel existed and not after now (clock skew aside). */
const EARLIEST_COOKIE_MS = Date.UTC(2010, 0, 1);

/** A Meta `_fbc` / `_fbp` cookie value with a plausible creation time in milliseconds. */
export function IsMetaCookie(kind: 'fbc' | 'fbp', options?: ValidationOptions) {
  const example = kind === 'fbc' ? 'fb.1.<13-digit ms>.<fbclid>' : 'fb.1.<13-digit ms>.<random>';
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMetaCookie',
      target: target.constructor,
      propertyName,
      options: { message: `$property must look like ${example}, created in the past`, ...options },
      validator: {
        validate: (value: unknown) => {
          const match = typeof value === 'string' ? META_COOKIE[kind].exec(value) : null;
          const createdMs = Number(match?.[1]);
          return !!match && createdMs >= EARLIEST_COOKIE_MS && createdMs <= Date.now() + 10 * 60 * 1000;
        },
      },
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Stops as soon as the limit is passed, so a hostile, deeply nested body cannot exhaust the stack.
function withinDepth(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (remaining <= 0) return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.every((child) => withinDepth(child, remaining - 1));
}
