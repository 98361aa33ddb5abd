// A whole page: the style sheet and scripts inline, and a Content-Security-Policy that allows
// exactly them (by hash) and nothing from anywhere else, so the page makes no external request.
import { createHash } from 'node:crypto';
import { html, trusted, type Html } from './escape.js';
import { STYLE } from './style.js';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy a page's inline style and script need; `connect` adds what fetch() may reach. */
export function contentSecurityPolicy(script: string, connect = "'none'"): string {
  return [
    `default-src 'none'`,
    `script-src ${sha256(script)}`,
    `style-src ${sha256(STYLE)}`,
    `img-src data:`,
    `connect-src ${connect}`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

export interface PageOptions {
  title: string;
  header: Html;
  body: Html;
  script: string;
  /** Sent as a header by the server (which can add frame-ancestors); a file carries it in a meta tag. */
  cspInMeta: boolean;
}

export function renderPage(options: PageOptions): string {
  const csp = options.cspInMeta ? html`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.script)}">` : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${csp}
<title>${options.title}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${options.header}
<main id="view">
${options.body}
</main>
<script>${trusted(options.script)}</script>
</body>
</html>
`.text;
}
