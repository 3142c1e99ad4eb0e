// saved.js - search history and saved searches, kept in this browser
// (localStorage), each saved search with its Atom feed link for alerts.
import { $, apiKey, clear, el } from './util.js';
import { searchUrl } from './app.js';

const HISTORY = 'quire.history';
const SAVED = 'quire.saved';
const HISTORY_MAX = 50;

function load(name) {
  try {
    const v = JSON.parse(localStorage.getItem(name) || '[]');
    return Array.isArray(v) ? v.filter((s) => s && typeof s.q === 'string') : [];
  } catch {
    return [];
  }
}

function store(name, list) {
  try { localStorage.setItem(name, JSON.stringify(list)); } catch { /* full or private: not kept */ }
}

// A search as kept: the query and its filters (not the page).
function keep(s) {
  const k = { q: s.q, at: new Date().toISOString() };
  for (const f of ['source', 'from', 'to', 'sort']) if (s[f] && !(f === 'sort' && s[f] === 'relevance')) k[f] = s[f];
  return k;
}

const same = (a, b) => ['q', 'source', 'from', 'to', 'sort'].every((f) => (a[f] || '') === (b[f] || ''));

export function addHistory(s) {
  const k = keep(s);
  store(HISTORY, [k, ...load(HISTORY).filter((h) => !same(h, k))].slice(0, HISTORY_MAX));
}

export function saveSearch(s) {
  const k = keep(s);
  store(SAVED, [k, ...load(SAVED).filter((h) => !same(h, k))]);
}

// The Atom feed of a saved search: its newest matches. A feed reader sends
// no Authorization header, so a key kept here goes into the URL.
export function feedUrl(s) {
  const p = new URLSearchParams({ q: s.q });
  for (const f of ['source', 'from', 'to']) if (s[f]) p.set(f, s[f]);
  p.set('sort', 'date');
  p.set('format', 'atom');
  const key = apiKey();
  if (key) p.set('key', key);
  return '/api/search?' + p;
}

function describe(s) {
  const f = [];
  if (s.source) f.push('source ' + s.source);
  if (s.from || s.to) f.push((s.from || '…') + ' to ' + (s.to || '…'));
  if (s.sort === 'date') f.push('newest first');
  return f.length ? ' (' + f.join(', ') + ')' : '';
}

function entry(s, name) {
  const remove = el('button', { type: 'button', className: 'secondary small', 'aria-label': 'Remove ' + s.q }, 'Remove');
  remove.addEventListener('click', () => {
    store(name, load(name).filter((h) => !same(h, s)));
    renderSaved();
  });
  const when = s.at ? new Date(s.at) : null;
  return el('li', null,
    el('a', { href: searchUrl(Object.assign({ sort: 'relevance', offset: 0 }, s)), className: 'saved-q' }, s.q),
    el('span', { className: 'hint' }, describe(s)),
    name === SAVED ? el('a', { href: feedUrl(s), className: 'feed', type: 'application/atom+xml' }, 'Atom feed') : null,
    when && !isNaN(when) ? el('time', { datetime: s.at, className: 'hint' }, when.toLocaleString()) : null,
    remove);
}

export function renderSaved() {
  const saved = load(SAVED);
  const hist = load(HISTORY);
  const sl = clear($('saved-list'));
  const hl = clear($('history-list'));
  if (!saved.length) sl.append(el('li', { className: 'hint' }, 'No saved searches yet: search, then “Save this search”.'));
  for (const s of saved) sl.append(entry(s, SAVED));
  if (!hist.length) hl.append(el('li', { className: 'hint' }, 'No searches yet.'));
  for (const s of hist) hl.append(entry(s, HISTORY));
}

export function initSaved() {
  $('clear-history').addEventListener('click', () => {
    store(HISTORY, []);
    renderSaved();
  });
}
