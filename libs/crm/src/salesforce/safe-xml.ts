// A bounded, namespace-aware XML reader for Salesforce Outbound Messages.
//
// Safety, before any parsing: the size is capped, and any markup declaration (`<!DOCTYPE`, `<!ENTITY`,
// `<!ELEMENT`, ...) is refused outright, so external entities (XXE) and entity expansion (billion
// laughs) can never happen. fast-xml-parser then runs with entity processing off; only the five
// predefined XML entities and numeric character references are decoded, here, in one pass.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CrmPayloadError } from '../lifecycle-change';
import { XSI_NS } from './namespaces';

export interface XmlAttribute {
  local: string;
  ns: string | undefined;
  value: string;
}

/** One element: local name, resolved namespace URI, attributes (namespace declarations removed). */
export interface XmlElement {
  local: string;
  ns: string | undefined;
  attrs: XmlAttribute[];
  children: XmlElement[];
  /** Concatenated, decoded character data directly inside this element (not trimmed). */
  text: string;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const MAX_DEPTH = 32;
/** Bounds parsing work: 100 notifications of up to ~500 fields each stay well under it. */
const MAX_MARKUP = 100_000;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  maxNestedTags: MAX_DEPTH,
});

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Decode predefined entities and character references; anything else is not well-formed here. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;]*);/g, (_m, ref: string) => {
    const named = PREDEFINED[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    const cp = m ? parseInt(m[1] ?? m[2]!, m[1] !== undefined ? 16 : 10) : NaN;
    const legal = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0x10ffff);
    if (!legal || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) {
      throw new CrmPayloadError('body', 'XML uses an undeclared entity or an invalid character reference');
    }
    return String.fromCodePoint(cp);
  });
}

type OrderedNode = Record<string, unknown>;

function splitName(qname: string): [prefix: string, local: string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

function resolve(prefix: string, scope: ReadonlyMap<string, string>): string | undefined {
  if (prefix === 'xml') return XML_NS;
  const ns = scope.get(prefix);
  if (prefix !== '' && ns === undefined) {
    throw new CrmPayloadError('body', 'XML uses an undeclared namespace prefix');
  }
  return ns === '' ? undefined : ns;
}

function toElement(node: OrderedNode, inherited: ReadonlyMap<string, string>, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new CrmPayloadError('body', `XML is nested deeper than ${MAX_DEPTH} levels`);
  const qname = Object.keys(node).find((k) => k !== ':@')!;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let scope = inherited;
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === inherited) scope = new Map(inherited);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), decodeEntities(value));
    }
  }
  const attrs: XmlAttribute[] = [];
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const [prefix, local] = splitName(name);
    // Unprefixed attributes are in no namespace (the default namespace does not apply to them).
    attrs.push({
      local,
      ns: prefix === '' ? undefined : resolve(prefix, scope),
      value: decodeEntities(value),
    });
  }
  const [prefix, local] = splitName(qname);
  const el: XmlElement = { local, ns: resolve(prefix, scope), attrs, children: [], text: '' };
  for (const child of node[qname] as OrderedNode[]) {
    if ('#text' in child) el.text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) el.text += String(part['#text'] ?? '');
    } else el.children.push(toElement(child, scope, depth + 1));
  }
  return el;
}

/**
 * Parse `raw` into its single root element, or throw CrmPayloadError('body', ...) when it is too large,
 * declares a DTD or entities, is not well-formed, or is not namespace-well-formed.
 */
export function parseSafeXml(raw: string, maxBytes: number): XmlElement {
  if (typeof raw !== 'string' || raw.trim() === '') throw new CrmPayloadError('body', 'is empty');
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new CrmPayloadError('body', `is larger than ${maxBytes} bytes`);
  }
  // Only comments (`<!--`) and CDATA sections (`<![CDATA[`) may start with `<!`.
  if (/<!(?!--|\[CDATA\[)/.test(raw)) {
    throw new CrmPayloadError('body', 'DOCTYPE and ENTITY declarations are not accepted');
  }
  let tags = 0;
  for (let i = raw.indexOf('<'); i >= 0; i = raw.indexOf('<', i + 1)) {
    if (++tags > MAX_MARKUP) throw new CrmPayloadError('body', `has more than ${MAX_MARKUP} tags`);
  }
  const xml = raw.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new CrmPayloadError('body', `is not well-formed XML (line ${valid.err.line})`);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (e) {
    const deep = e instanceof Error && /nested/i.test(e.message);
    throw new CrmPayloadError(
      'body',
      deep ? `XML is nested deeper than ${MAX_DEPTH} levels` : 'is not well-formed XML',
    );
  }
  const roots = nodes.filter((n) => !('#text' in n) || String(n['#text']).trim() !== '');
  if (roots.length !== 1 || '#text' in roots[0]! || '#cdata' in roots[0]!) {
    throw new CrmPayloadError('body', 'XML must have exactly one root element');
  }
  return toElement(roots[0]!, new Map(), 1);
}

/** Children of `el` with the given local name (and namespace, when given). */
export function childrenNamed(el: XmlElement, local: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && (ns === undefined || c.ns === ns));
}

/** True when the element carries `xsi:nil="true"` (whatever the xsi prefix is). */
export function isNil(el: XmlElement): boolean {
  return el.attrs.some((a) => a.local === 'nil' && a.ns === XSI_NS && /^(true|1)$/.test(a.value.trim()));
}
