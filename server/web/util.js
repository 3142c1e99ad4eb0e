// util.js - what every part of the page shares: building DOM nodes (index
// strings always become text nodes, never HTML), the API client (with the
// API key, asked for once on a 401), and formatting.

export const $ = (id) => document.getElementById(id);

// el('a', {href: '/x', className: 'y'}, 'text', childNode, ...): strings
// and numbers become text nodes; null/false children are skipped.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'className' || k === 'textContent' || k === 'value') node[k] = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

const nf = new Intl.NumberFormat('en');
export const fmt = (n) => nf.format(n);

// The key is kept in localStorage: the page asks for it once per browser.
const KEY = 'quire.apiKey';
export function apiKey() {
  try { return localStorage.getItem(KEY) || ''; } catch { return ''; }
}

let keyPrompt = null; // one dialog at a time, however many requests got 401

function askForKey() {
  if (keyPrompt) return keyPrompt;
  const dialog = $('key-dialog');
  const input = $('key-input');
  keyPrompt = new Promise((resolve) => {
    const done = (key) => {
      dialog.close();
      keyPrompt = null;
      resolve(key);
    };
    $('key-form').onsubmit = (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      try { localStorage.setItem(KEY, key); } catch { /* private mode: this page only */ }
      sessionKey = key;
      done(key);
    };
    $('key-cancel').onclick = () => done('');
    dialog.oncancel = () => done('');
    input.value = '';
    dialog.showModal();
    input.focus();
  });
  return keyPrompt;
}

let sessionKey = '';

// An error the API answered with: status, code and message (and the
// position in q for a bad query).
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `the server answered ${status}`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.position = typeof e.position === 'number' ? e.position : null;
  }
}

// fetch() an API path as JSON, with the key when
// there is one; a 401 asks for the key once and tries again.
export async function api(path, opts = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
    const key = sessionKey || apiKey();
    if (key) headers.Authorization = 'Bearer ' + key;
    const res = await fetch(path, { method: opts.method || 'GET', body: opts.body, headers, signal: opts.signal });
    if (res.status === 401 && attempt < 2) {
      try { localStorage.removeItem(KEY); } catch { /* nothing kept */ }
      sessionKey = '';
      if (!(await askForKey())) throw new ApiError(401, { error: { code: 'unauthorized', message: 'this server needs an API key' } });
      continue;
    }
    const text = await res.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON: an HTTP-layer error */ }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }
}

// Percent-encode for a URL text fragment (#:~:text=): '-', ',' and '&'
// have a meaning there and must be escaped too.
function fragmentPart(s) {
  return encodeURIComponent(s).replace(/-/g, '%2D').replace(/,/g, '%2C');
}

// A link to the original article that opens scrolled to (and highlighting)
// the given text: https://…#:~:text=START,END for long quotes.
export function textFragmentUrl(url, text) {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  const base = url.split('#')[0];
  const words = (text || '').replace(/[\u2026]/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return base;
  const frag = words.length <= 8
    ? fragmentPart(words.join(' '))
    : fragmentPart(words.slice(0, 4).join(' ')) + ',' + fragmentPart(words.slice(-4).join(' '));
  return base + '#:~:text=' + frag;
}

// Only http(s) links from the index become hrefs (never javascript: and
// the like).
export function safeHref(url) {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

// Copy text to the clipboard: the Clipboard API where the page is a secure
// context, else a selected textarea (http on an intranet host).
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back */ }
  }
  const ta = el('textarea', { className: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

// The total of a response: {value, relation} ("gte": at least).
export function totalText(total) {
  if (total === null || total === undefined) return '';
  const value = typeof total === 'object' ? total.value : total;
  const gte = typeof total === 'object' && total.relation === 'gte';
  return (gte ? 'at least ' : '') + fmt(value) + (value === 1 && !gte ? ' result' : ' results');
}

export function totalValue(total) {
  return typeof total === 'object' && total ? total.value : total || 0;
}
