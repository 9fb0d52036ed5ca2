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
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value))
            return false;
          const ms = Date.parse(value);
          return Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms <= Date.now() + 10 * 60 * 1000;
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
