// Test-only preload for the example authorization server (`node --import <this> main.mjs`):
// records every secret value that crosses its HTTP server, in both directions, to WIRETAP_FILE
// (one JSON line per value). The e2e test then checks that none of them shows up in the client's
// metrics, logs or stdout, without having to trust the client to say what its secrets were.
//
// Requests: query parameters, form bodies (code, code_verifier, refresh_token, client_secret,
// token, ...), Authorization (Bearer token, Basic password), Cookie values. Responses: JSON bodies
// (access_token, refresh_token, client_secret, registration_access_token, ...), Location
// (code, state), Set-Cookie values.
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const FILE = process.env.WIRETAP_FILE;
const KEYS = new Set([
  'code',
  'state',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'registration_access_token',
  'token',
  'password',
]);
const MIN_LENGTH = 8;

function record(kind, value) {
  if (!FILE || typeof value !== 'string' || value.length < MIN_LENGTH) return;
  try {
    appendFileSync(FILE, `${JSON.stringify({ kind, value })}\n`);
  } catch {
    /* never break the server */
  }
}

function fromParams(where, params) {
  for (const [k, v] of params) if (KEYS.has(k)) record(`${where}:${k}`, v);
}

function fromJson(where, value, depth = 0) {
  if (depth > 5 || value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (KEYS.has(k) && typeof v === 'string') record(`${where}:${k}`, v);
    else fromJson(where, v, depth + 1);
  }
}

function fromBody(where, contentType, text) {
  if (!text) return;
  if (/json/i.test(contentType ?? '')) {
    try {
      fromJson(where, JSON.parse(text));
    } catch {
      /* not JSON after all */
    }
  } else if (/x-www-form-urlencoded/i.test(contentType ?? '')) {
    fromParams(where, new URLSearchParams(text));
  } else if (/html/i.test(contentType ?? '')) {
    // response_mode=form_post pages carry code and state as hidden inputs
    for (const m of text.matchAll(/name="(\w+)" value="([^"]*)"/g)) if (KEYS.has(m[1])) record(`${where}:${m[1]}`, m[2]);
  }
}

function fromUrl(where, raw, base = 'http://wiretap.invalid') {
  try {
    const url = new URL(raw, base);
    fromParams(`${where}:query`, url.searchParams);
    if (url.hash) fromParams(`${where}:fragment`, new URLSearchParams(url.hash.slice(1)));
  } catch {
    /* not a URL */
  }
}

// ---- requests: headers and URL when the server sees them, body as the parser pushes it --------
const origEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function emit(event, req) {
  if (event === 'request' && req) {
    try {
      fromUrl('request', req.url);
      const auth = req.headers.authorization;
      if (auth) {
        const [scheme = '', cred = ''] = auth.split(/\s+/, 2);
        if (/^bearer$/i.test(scheme)) record('request:bearer', cred);
        if (/^basic$/i.test(scheme)) {
          const decoded = Buffer.from(cred, 'base64').toString('utf8');
          const i = decoded.indexOf(':');
          if (i >= 0) record('request:basic_secret', decodeURIComponent(decoded.slice(i + 1)));
        }
      }
      for (const part of (req.headers.cookie ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0) record('request:cookie', part.slice(eq + 1).trim());
      }
    } catch {
      /* never break the server */
    }
  }
  return origEmit.apply(this, arguments);
};

const bodies = new WeakMap();
const origPush = http.IncomingMessage.prototype.push;
http.IncomingMessage.prototype.push = function push(chunk, encoding) {
  try {
    if (chunk === null) {
      const list = bodies.get(this);
      if (list) {
        bodies.delete(this);
        fromBody('request:body', this.headers?.['content-type'], Buffer.concat(list).toString('utf8'));
      }
    } else if (chunk !== undefined && this.headers) {
      let list = bodies.get(this);
      if (!list) bodies.set(this, (list = []));
      list.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    }
  } catch {
    /* never break the server */
  }
  return origPush.call(this, chunk, encoding);
};

// ---- responses ----------------------------------------------------------------------------------
const chunksOf = new WeakMap();
const origWrite = http.ServerResponse.prototype.write;
http.ServerResponse.prototype.write = function write(chunk, encoding) {
  try {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      let list = chunksOf.get(this);
      if (!list) chunksOf.set(this, (list = []));
      list.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8'));
    }
  } catch {
    /* never break the server */
  }
  return origWrite.apply(this, arguments);
};

const origEnd = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function end(chunk, encoding) {
  try {
    const list = chunksOf.get(this) ?? [];
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      list.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8'));
    }
    chunksOf.delete(this);
    const location = this.getHeader('location');
    if (location) fromUrl('response:location', String(location));
    const setCookie = this.getHeader('set-cookie');
    for (const c of [].concat(setCookie ?? [])) {
      const pair = String(c).split(';', 1)[0];
      const eq = pair.indexOf('=');
      if (eq > 0) record('response:set-cookie', pair.slice(eq + 1).trim());
    }
    if (list.length) fromBody('response:body', String(this.getHeader('content-type') ?? ''), Buffer.concat(list).toString('utf8'));
  } catch {
    /* never break the server */
  }
  return origEnd.apply(this, arguments);
};
