/** The console's one stylesheet, served at /admin/console.css (pages carry no inline styles: CSP style-src 'self'). */
export const CONSOLE_CSS = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --ok: #067647; --warn: #b54708; --bad: #b42318; --accent: #3538cd; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f8f9fb; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header nav a { margin-right: 16px; color: var(--muted); text-decoration: none; }
header nav a[aria-current="page"] { color: var(--accent); font-weight: 600; }
main { padding: 16px 24px 48px; max-width: 1280px; }
h1 { font-size: 20px; margin: 8px 0 16px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f2f4f7; padding: 8px; border-radius: 4px; overflow-x: auto; max-height: 320px; font-size: 12px; margin: 4px 0; }
code { font-size: 12px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.warn { color: var(--warn); } .badge.bad { color: var(--bad); } .badge.muted { color: var(--muted); }
.alert { border-left: 4px solid var(--bad); background: #fef3f2; padding: 8px 12px; margin-bottom: 16px; }
.notice { border-left: 4px solid var(--ok); background: #ecfdf3; padding: 8px 12px; margin-bottom: 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.tabs a { margin-right: 12px; }
.tabs a[aria-current="page"] { font-weight: 600; }
form.inline { display: inline-flex; gap: 6px; align-items: center; }
input, select, button { font: inherit; padding: 3px 6px; }
button { cursor: pointer; }
svg text { font-size: 11px; fill: var(--fg); }
svg .bar { fill: var(--accent); }
svg .axis { stroke: var(--line); }
details summary { cursor: pointer; color: var(--accent); }
.timeline li { margin-bottom: 10px; }
`;
