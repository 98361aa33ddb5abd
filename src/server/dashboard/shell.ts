// The dashboard's one page. It carries no data: its script keeps the API token the user signs in
// with in sessionStorage (this tab only, gone when it closes), sends it as a bearer header to fetch
// the view for the address shown, and inserts the HTML the server rendered (escaped there).
import { TABLE_SCRIPT } from '../../report/html/behaviour.js';
import { html } from '../../report/html/escape.js';
import { contentSecurityPolicy, renderPage } from '../../report/html/page.js';

const CLIENT_SCRIPT = `
const TOKEN = 'plimsoll.token', PROJECT = 'plimsoll.project';
const content = document.getElementById('content'), login = document.getElementById('login');
function state(name) { document.body.dataset.state = name; }
function showLogin(message) {
  content.replaceChildren();
  login.hidden = false;
  document.getElementById('who').textContent = '';
  document.getElementById('login-error').textContent = message || '';
  state('login');
}
const call = (path, token) => fetch(path, { headers: { authorization: 'Bearer ' + token }, cache: 'no-store' });
async function errorText(response) {
  try { return (await response.json()).error; } catch { return 'HTTP ' + response.status; }
}
async function show() {
  const token = sessionStorage.getItem(TOKEN), project = sessionStorage.getItem(PROJECT);
  if (!token || !project) return showLogin();
  login.hidden = true;
  document.getElementById('who').textContent = 'project ' + project;
  let view = location.pathname.replace(/^\\/ui\\/?/, '/');
  if (view === '/') view = '/images';
  const response = await call('/ui/views/projects/' + encodeURIComponent(project) + view, token);
  if (response.status === 401) { sessionStorage.clear(); return showLogin('The server no longer accepts this token: sign in again.'); }
  if (!response.ok) { content.textContent = await errorText(response); state('error'); return; }
  content.innerHTML = await response.text();
  plimsollTables(content);
  state('ready');
}
async function signIn(token) {
  const response = await call('/api/v1/whoami', token);
  if (!response.ok) return showLogin(await errorText(response));
  const who = await response.json();
  if (!who.project || !who.scopes.includes('read')) return showLogin('This token cannot read a project (plimsoll server token create --project P --scope read).');
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(PROJECT, who.project);
  login.reset();
  await show();
}
const unreachable = (err) => { content.textContent = 'The server did not answer: ' + err.message; state('error'); };
login.addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(login.elements.token.value.trim()).catch(unreachable);
});
document.getElementById('logout').addEventListener('click', () => { sessionStorage.clear(); showLogin(); });
show().catch(unreachable);
`;

const SCRIPT = `${TABLE_SCRIPT}\n${CLIENT_SCRIPT}`;

/** Sent as a header with the page: its own script and style by hash, fetch() to this server only, never framed. */
export const SHELL_CSP = `${contentSecurityPolicy(SCRIPT, "'self'")}; frame-ancestors 'none'`;

export const SHELL_PAGE = renderPage({
  title: 'Plimsoll',
  header: html`<header class="top"><h1>Plimsoll</h1>
<nav><a href="/ui/">Images</a><a href="/ui/base-images">Base images</a><a href="/ui/trend">Trend</a></nav>
<span id="who" class="muted"></span><button id="logout" type="button">Sign out</button></header>`,
  body: html`<form id="login" class="login" hidden>
<section><h2>Sign in</h2>
<p class="note">Paste an API token with the read scope (plimsoll server token create --project P --scope read). It stays in this browser tab only (sessionStorage) and is sent to this server as a bearer header.</p>
<label>API token <input name="token" type="password" autocomplete="off" required placeholder="plm_&hellip;"></label>
<p id="login-error" class="error"></p>
<button type="submit">Sign in</button></section>
</form>
<div id="content"></div>`,
  script: SCRIPT,
  cspInMeta: false,
});
