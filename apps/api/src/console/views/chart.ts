import { Html, html } from './html';

/** Horizontal bars (the funnel), as inline SVG: sized by attributes, so no inline style is needed. */
export function barChart(rows: { label: string; value: number }[], title: string): Html {
  const max = Math.max(1, ...rows.map((row) => row.value));
  const width = 640;
  const labelWidth = 220;
  const barSpace = width - labelWidth - 70;
  const rowHeight = 24;
  return html`<svg
    role="img"
    aria-label="${title}"
    viewBox="0 0 ${width} ${rows.length * rowHeight + 4}"
    width="100%"
  >
    <title>${title}</title>
    ${rows.map((row, index) => {
      const y = index * rowHeight + 2;
      const length = Math.round((row.value / max) * barSpace);
      return html`<text x="0" y="${y + 15}">${row.label}</text
        ><rect class="bar" x="${labelWidth}" y="${y + 3}" width="${Math.max(length, 1)}" height="16"></rect
        ><text x="${labelWidth + length + 6}" y="${y + 15}">${row.value}</text>`;
    })}
  </svg>`;
}

/** Columns over time (sent events per hour or day); every bucket of the window is drawn, empty or not. */
export function columnChart(
  buckets: { at: Date; value: number }[],
  title: string,
  tick: (at: Date) => string,
): Html {
  const width = 640;
  const height = 160;
  const bottom = 20;
  const max = Math.max(1, ...buckets.map((bucket) => bucket.value));
  const step = width / Math.max(1, buckets.length);
  const every = Math.max(1, Math.ceil(buckets.length / 8));
  return html`<svg role="img" aria-label="${title}" viewBox="0 0 ${width} ${height + bottom}" width="100%">
    <title>${title}</title>
    <line class="axis" x1="0" y1="${height}" x2="${width}" y2="${height}"></line>
    <text x="2" y="12">max ${max}</text>
    ${buckets.map((bucket, index) => {
      const barHeight = Math.round((bucket.value / max) * (height - 16));
      const x = index * step;
      return html`<rect
          class="bar"
          x="${(x + 1).toFixed(1)}"
          y="${height - barHeight}"
          width="${Math.max(step - 2, 1).toFixed(1)}"
          height="${barHeight}"
          ><title>${tick(bucket.at)}: ${bucket.value}</title></rect
        >${
          index % every === 0
            ? html`<text x="${x.toFixed(1)}" y="${height + 14}">${tick(bucket.at)}</text>`
            : html``
        }`;
    })}
  </svg>`;
}
