// The one style sheet of the report and the dashboard, inlined in each page (no external requests).
export const STYLE = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7fa; --card: #fff;
  --critical: #8e1538; --high: #d9480f; --medium: #b7791f; --low: #2b6cb0; --unknown: #6b7280; --kev: #111; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: center; flex-wrap: wrap; }
header.top h1 { font-size: 17px; margin: 0; font-weight: 600; }
header.top nav a, header.top button { color: #cfd6e4; text-decoration: none; margin-right: 14px; background: none; border: 0; font: inherit; cursor: pointer; padding: 0; }
header.top nav a:hover, header.top button:hover { color: #fff; }
main { padding: 16px 20px 40px; max-width: 1400px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
p.note, .muted { color: var(--muted); }
p.note { margin: 6px 0; font-size: 13px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
th[data-sortable] { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #b5bcc8; }
tr.hidden { display: none; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin-bottom: 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 88px; background: #fbfcfd; }
.card .label { font-size: 11px; text-transform: uppercase; color: var(--muted); letter-spacing: .04em; }
.card .count { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 11.5px; font-weight: 600; }
.sev-CRITICAL { background: var(--critical); } .sev-HIGH { background: var(--high); } .sev-MEDIUM { background: var(--medium); }
.sev-LOW { background: var(--low); } .sev-UNKNOWN { background: var(--unknown); }
.card.sev-CRITICAL, .card.sev-HIGH, .card.sev-MEDIUM, .card.sev-LOW, .card.sev-UNKNOWN { background: #fbfcfd; color: var(--fg); border-left: 5px solid; }
.card.sev-CRITICAL { border-left-color: var(--critical); } .card.sev-HIGH { border-left-color: var(--high); } .card.sev-MEDIUM { border-left-color: var(--medium); }
.card.sev-LOW { border-left-color: var(--low); } .card.sev-UNKNOWN { border-left-color: var(--unknown); }
.prio { display: inline-block; padding: 0 6px; border-radius: 3px; border: 1px solid var(--fg); font-size: 11.5px; font-weight: 600; }
.prio-P1 { background: var(--kev); color: #fff; }
.kev { display: inline-block; padding: 0 5px; border-radius: 3px; background: var(--kev); color: #ffd54a; font-size: 11px; font-weight: 700; letter-spacing: .05em; }
.epss { font-variant-numeric: tabular-nums; }
.epss.high { color: var(--critical); font-weight: 600; }
.controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.controls input[type=search] { padding: 4px 8px; min-width: 240px; border: 1px solid var(--line); border-radius: 4px; }
.controls select { padding: 3px 6px; }
.bar { display: block; }
form.login { max-width: 520px; }
form.login input { width: 100%; padding: 6px 8px; margin: 6px 0 10px; font-family: ui-monospace, monospace; }
form.login button, .button { padding: 6px 14px; border: 1px solid #1d2330; background: #1d2330; color: #fff; border-radius: 4px; cursor: pointer; }
.error { color: var(--critical); font-weight: 600; }
details > summary { cursor: pointer; color: var(--muted); }
a { color: #1f5fbf; }
svg.trend-chart { display: block; margin: 6px 0 12px; }
rect.s-CRITICAL { fill: var(--critical); } rect.s-HIGH { fill: var(--high); } rect.s-MEDIUM { fill: var(--medium); }
rect.s-LOW { fill: var(--low); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
`;
