import { connect } from 'node:net';

/** The api's body limit (apps/api configure-app.ts BODY_LIMIT_BYTES). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Announces a body larger than the api accepts and sends none of it, then reads the answer.
 * The api refuses on the `Content-Length` header alone (413) and closes the connection. Sending the
 * bytes as well would make the answer a race: a server that closes with unread bytes in its receive
 * buffer resets the connection, and the client then sees EPIPE/ECONNRESET instead of the 413.
 */
export function sendOversized(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  contentLength: number,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, baseUrl);
  const lines = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${contentLength}`,
    'Connection: close',
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
      if (!status) return reject(new Error(`no HTTP answer: ${raw.slice(0, 200)}`));
      const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      resolve({ status, text: decodeChunked(raw, text) });
    });
  });
}

function decodeChunked(raw: string, body: string): string {
  if (!/\r\ntransfer-encoding: chunked/i.test(raw)) return body;
  let out = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}
