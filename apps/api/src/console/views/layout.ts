import { Html, html } from './html';

const PAGES = [
  ['overview', 'Overview', '/admin'],
  ['health', 'Health', '/admin/health'],
  ['journeys', 'Journeys', '/admin/journeys'],
  ['failures', 'Failures', '/admin/failures'],
  ['setup', 'Set-up', '/admin/setup'],
] as const;

export type ConsolePage = (typeof PAGES)[number][0];

/** The page frame: navigation, title, and the one stylesheet (no scripts anywhere in the console). */
export function layout(active: ConsolePage | 'home', title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Journey Store</title>
        <link rel="stylesheet" href="/admin/console.css" />
      </head>
      <body>
        <header>
          <strong class="brand">Journey Store</strong>
          <nav>
            ${PAGES.map(
              ([key, label, href]) =>
                html`<a href="${href}" ${key === active ? html` aria-current="page"` : html``}>${label}</a>`,
            )}<a href="/admin/queues">Queues</a>
          </nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

/** A small table: a header row and rows of cells (already Html or plain values, escaped). */
export function table(
  headers: string[],
  rows: (Html | Html[] | string | number | null)[][],
  empty = 'nothing',
): Html {
  if (!rows.length) return html`<p class="muted">${empty}</p>`;
  return html`<table>
    <thead>
      <tr>
        ${headers.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell) => html`<td>${cell ?? '—'}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export const badge = (text: string, tone: 'ok' | 'warn' | 'bad' | 'muted') =>
  html`<span class="badge ${tone}">${text}</span>`;
