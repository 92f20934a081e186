// Minimal HTML for the interaction (login, consent) and error pages. Stable element ids for browser
// tests: #login-form #username #password #login-submit #login-cancel #login-error,
// #consent-form #consent-approve #consent-deny, #error.

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

function layout(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}ul{padding-left:1.2rem}
</style>
</head>
<body>
${body}
</body>
</html>`;
}

export function loginPage({ uid, clientName, error, username }) {
  return layout('Sign in', `<h1>Sign in</h1>
<p>to continue to <strong id="client-name">${escapeHtml(clientName)}</strong></p>
${error ? `<p id="login-error" class="error">${escapeHtml(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" required autofocus value="${escapeHtml(username)}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button id="login-submit" type="submit">Sign in</button>
</form>
<form id="login-cancel-form" method="post" action="/interaction/${escapeHtml(uid)}/abort">
  <button id="login-cancel" type="submit">Cancel</button>
</form>
<p><small>Demo users: alice / alice-password, bob / bob-password</small></p>`);
}

export function consentPage({ uid, clientName, accountId, scopes, resources, redirectHost }) {
  const scopeItems = scopes.map((s) => `<li class="scope">${escapeHtml(s)}</li>`).join('');
  const resourceItems = resources.map(([resource, rs]) => `<li class="resource"><code>${escapeHtml(resource)}</code>: ${rs.map(escapeHtml).join(' ')}</li>`).join('');
  return layout('Authorize', `<h1>Authorize <span id="consent-client-name">${escapeHtml(clientName)}</span></h1>
<p>Signed in as <strong id="consent-account">${escapeHtml(accountId)}</strong>.</p>
<p>Redirects to <strong id="consent-redirect-host">${escapeHtml(redirectHost)}</strong></p>
${scopeItems ? `<p>Scopes:</p><ul id="consent-scopes">${scopeItems}</ul>` : ''}
${resourceItems ? `<p>Resources:</p><ul id="consent-resources">${resourceItems}</ul>` : ''}
<form id="consent-form" method="post" action="/interaction/${escapeHtml(uid)}/confirm">
  <button id="consent-approve" type="submit" autofocus>Allow</button>
</form>
<form id="consent-deny-form" method="post" action="/interaction/${escapeHtml(uid)}/abort">
  <button id="consent-deny" type="submit">Deny</button>
</form>`);
}

export function errorPage(out) {
  const rows = Object.entries(out)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd class="${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('');
  return layout('Error', `<h1>Something went wrong</h1><dl id="error">${rows}</dl>`);
}

export function simplePage(title, text, id = 'message') {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p id="${escapeHtml(id)}">${escapeHtml(text)}</p>`);
}
