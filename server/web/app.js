// app.js - the journalist's page: state <-> URL, the search box, the views
// (search, document, batch, history & saved). quire-serve serves this file
// and its siblings under /assets/ (server/web_assets.c).
import { $, api, ApiError, clear, el } from './util.js';
import { renderResults, renderError } from './results.js';
import { showDoc } from './docview.js';
import { initBatch } from './batch.js';
import { initSaved, addHistory, saveSearch, renderSaved } from './saved.js';

export const PAGE_SIZE = 10;
const FILTERS = ['source', 'from', 'to', 'sort', 'aliases', 'offset'];

// The search the page shows: everything in it is in the URL.
function stateFromUrl(loc = window.location) {
  const p = new URLSearchParams(loc.search);
  const offset = parseInt(p.get('offset') || '0', 10);
  return {
    q: p.get('q') || '',
    source: p.get('source') || '',
    from: p.get('from') || '',
    to: p.get('to') || '',
    sort: p.get('sort') === 'date' ? 'date' : 'relevance',
    aliases: p.get('aliases') === '0' ? '0' : '', // '0': threat-actor names as typed only
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
    tab: p.get('tab') || 'search',
  };
}

export function searchUrl(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const k of FILTERS) {
    if (k === 'sort' && s.sort === 'relevance') continue;
    if (k === 'offset' && !s.offset) continue;
    if (s[k]) p.set(k, s[k]);
  }
  const qs = p.toString();
  return '/' + (qs ? '?' + qs : '');
}

let current = stateFromUrl();
let inflight = null;
let facetsSupported = true; // until the server refuses the parameter

export function currentState() {
  return current;
}

function apiParams(s, withFacets) {
  const p = new URLSearchParams({ q: s.q, limit: String(PAGE_SIZE) });
  if (s.offset) p.set('offset', String(s.offset));
  if (s.sort === 'date') p.set('sort', 'date');
  for (const k of ['source', 'from', 'to']) if (s[k]) p.set(k, s[k]);
  if (s.aliases === '0') p.set('aliases', '0');
  if (withFacets) {
    p.set('facets', 'source,year,author');
    p.set('facet_size', '8');
  }
  return p;
}

function setStatus(text) {
  $('status').textContent = text;
}

// Run the search s and show it. A server without facets (refusing the
// parameter) is asked again without them, and not asked for them again.
async function runSearch(s) {
  if (inflight) inflight.abort();
  const ctl = new AbortController();
  inflight = ctl;
  const results = $('results');
  results.setAttribute('aria-busy', 'true');
  results.dataset.state = 'loading';
  setStatus('Searching…');
  performance.mark('quire:search');
  try {
    let data;
    try {
      data = await api('/api/search?' + apiParams(s, facetsSupported), { signal: ctl.signal });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'bad_parameter' && /facet/.test(e.message))) throw e;
      facetsSupported = false;
      data = await api('/api/search?' + apiParams(s, false), { signal: ctl.signal });
    }
    if (ctl !== inflight) return;
    renderResults(data, s);
    setStatus(data.hits && data.hits.length ? '' : 'No results.');
  } catch (e) {
    if (e.name === 'AbortError' || ctl !== inflight) return;
    renderError(e, s);
    setStatus('');
  } finally {
    if (ctl === inflight) {
      inflight = null;
      results.removeAttribute('aria-busy');
      results.dataset.state = 'done';
      results.dataset.q = s.q;
      performance.mark('quire:shown');
    }
  }
}

function showView(name) {
  for (const v of ['search', 'doc', 'batch', 'saved']) $('view-' + v).hidden = v !== name;
  for (const a of document.querySelectorAll('.tabs a')) {
    const on = a.dataset.tab === name || (name === 'doc' && a.dataset.tab === 'search');
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function fillForm(s) {
  $('q').value = s.q;
  $('sort').value = s.sort;
  $('from').value = s.from;
  $('to').value = s.to;
}

// Show what the URL says (on load, and on back/forward).
function route() {
  const path = window.location.pathname;
  current = stateFromUrl();
  fillForm(current);
  if (path.startsWith('/doc/')) {
    showView('doc');
    const id = decodeURIComponent(path.slice(5));
    document.title = 'Quire: ' + id;
    showDoc(id, new URLSearchParams(window.location.search));
    return;
  }
  if (current.tab === 'batch' || current.tab === 'saved') {
    showView(current.tab);
    document.title = current.tab === 'batch' ? 'Quire: batch search' : 'Quire: history and saved searches';
    if (current.tab === 'saved') renderSaved();
    return;
  }
  showView('search');
  $('save-search').hidden = !current.q;
  $('save-search').textContent = 'Save this search';
  if (current.q) {
    document.title = 'Quire: ' + current.q;
    runSearch(current);
  } else {
    document.title = 'Quire search';
    clear($('results'));
    clear($('notices'));
    $('pager').hidden = true;
    $('facets').hidden = true;
    renderChips(current);
    setStatus('');
  }
}

// Go to the search s: a new history entry (back returns to the previous
// one), then show it.
export function navigate(s, { record = true } = {}) {
  const url = searchUrl(s);
  if (url !== window.location.pathname + window.location.search) history.pushState(null, '', url);
  if (record && s.q) addHistory(s);
  route();
  window.scrollTo(0, 0);
}

// A change of filters or page on the current query.
export function refine(changes) {
  navigate(Object.assign({}, current, { offset: 0 }, changes), { record: false });
}

export function renderChips(s) {
  const chips = clear($('active-filters'));
  const chip = (label, changes) =>
    el('button', { type: 'button', className: 'chip', 'aria-label': 'Remove filter ' + label, onclick: () => refine(changes) },
      label, el('span', { 'aria-hidden': 'true' }, ' ×'));
  if (s.source) chips.append(chip('source: ' + s.source, { source: '' }));
  if (s.from || s.to) chips.append(chip('dates: ' + (s.from || '…') + ' to ' + (s.to || '…'), { from: '', to: '' }));
  if (s.aliases === '0') chips.append(chip('group names as typed only', { aliases: '' }));
}

function onSubmit(e) {
  e.preventDefault();
  const q = $('q').value.trim();
  if (!q) {
    $('q').focus();
    return;
  }
  navigate(Object.assign({}, current, { q, offset: 0, tab: 'search' }));
}

function onFilters(e) {
  e.preventDefault();
  const from = $('from').value.trim();
  const to = $('to').value.trim();
  refine({ sort: $('sort').value, from, to });
}

function onKey(e) {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  e.preventDefault();
  if (current.tab !== 'search' || window.location.pathname !== '/') {
    history.pushState(null, '', searchUrl(Object.assign({}, current, { tab: 'search' })));
    route();
  }
  $('q').focus();
  $('q').select();
}

// Links inside the page (tabs, results, doc links) change the view without
// reloading it.
function onClick(e) {
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (!(url.pathname === '/' || url.pathname.startsWith('/doc/'))) return;
  e.preventDefault();
  history.pushState(null, '', url.pathname + url.search + url.hash);
  route();
  window.scrollTo(0, 0);
}

function init() {
  $('search-form').addEventListener('submit', onSubmit);
  $('filters').addEventListener('submit', onFilters);
  $('sort').addEventListener('change', () => refine({ sort: $('sort').value }));
  $('prev').addEventListener('click', () => refine({ offset: Math.max(0, current.offset - PAGE_SIZE) }));
  $('next').addEventListener('click', () => refine({ offset: current.offset + PAGE_SIZE }));
  $('save-search').addEventListener('click', () => {
    saveSearch(current);
    $('save-search').textContent = 'Saved';
    setStatus('Saved: find it under History & saved, with its feed.');
  });
  document.addEventListener('keydown', onKey);
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', route);
  initBatch();
  initSaved();
  route();
}

init();
