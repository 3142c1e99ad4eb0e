// results.js - a results page: notices (relaxed, approximate, warnings),
// hits (snippet highlights built from code-point ranges as text nodes,
// the quote with Copy citation, the link to the original at the quote),
// facets and the pager. Every index string goes in as text.
import { $, clear, copyText, el, fmt, safeHref, textFragmentUrl, totalText, totalValue } from './util.js';
import { PAGE_SIZE, currentState, refine, renderChips, navigate, searchUrl } from './app.js';

// Code points [from, to) of cps as nodes: text, with <mark> around each
// [start, end) range of code points (the API counts code points, not
// UTF-16 units).
function marked(cps, ranges, from, to) {
  const out = [];
  let at = from;
  for (const [s0, e0] of ranges) {
    const s = Math.max(at, s0);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    if (s > at) out.push(document.createTextNode(cps.slice(at, s).join('')));
    out.push(el('mark', null, cps.slice(s, e).join('')));
    at = e;
  }
  if (at < to) out.push(document.createTextNode(cps.slice(at, to).join('')));
  return out;
}

// The snippet as nodes, its highlights marked; when the cited sentence
// (quoteText) stands in it whole, that part is wrapped in a
// <span class="cited"> rather than shown twice.
export function highlighted(text, ranges, quoteText) {
  const cps = Array.from(text || '');
  const sorted = (Array.isArray(ranges) ? ranges : [])
    .filter((r) => Array.isArray(r) && r.length === 2 && r[0] < r[1])
    .map(([a, b]) => [Math.min(a, cps.length), Math.min(b, cps.length)])
    .sort((a, b) => a[0] - b[0]);
  const at = quoteText ? (text || '').indexOf(quoteText) : -1;
  if (at < 0) return marked(cps, sorted, 0, cps.length);
  const qs = Array.from(text.slice(0, at)).length;
  const qe = qs + Array.from(quoteText).length;
  return [...marked(cps, sorted, 0, qs), el('span', { className: 'cited' }, marked(cps, sorted, qs, qe)),
    ...marked(cps, sorted, qe, cps.length)];
}

// The citation a journalist pastes, as the text output writes it:
// “quote” — Author, “Title”, source, date, URL (absent fields left out).
export function citation(hit, quote) {
  const parts = [hit.author, '“' + (hit.title || hit.id) + '”', hit.source, hit.date, hit.url].filter(Boolean);
  return '“' + quote + '” — ' + parts.join(', ');
}

// What was changed to find a hit, when it is not an exact match: the
// response's flags, or the hit's own when the API gives them.
function matchNote(hit, data) {
  const flag = (name) => hit[name] === true || (hit.match && hit.match === name) || (hit[name] === undefined && hit.match === undefined && data[name] === true);
  if (flag('approximate')) return { cls: 'approximate', text: 'approximate: not the exact phrase (a word dropped, added or inflected differently, or the words in another order)' };
  if (flag('relaxed')) return { cls: 'relaxed', text: 'relaxed: not every word of the query is in this article' };
  return null;
}

function docLink(hit, s, quote) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (quote && Number.isInteger(quote.start) && Number.isInteger(quote.end)) {
    p.set('qs', String(quote.start));
    p.set('qe', String(quote.end));
  }
  const qs = p.toString();
  return '/doc/' + encodeURIComponent(hit.id) + (qs ? '?' + qs : '');
}

function firstHighlight(hit) {
  const r = Array.isArray(hit.highlights) && hit.highlights[0];
  return r ? Array.from(hit.snippet || '').slice(r[0], r[1]).join('') : '';
}

function copyButton(hit, quoteText) {
  const b = el('button', { type: 'button', className: 'copy secondary' }, 'Copy citation');
  b.addEventListener('click', async () => {
    const text = citation(hit, quoteText);
    const ok = await copyText(text);
    b.textContent = ok ? 'Copied' : 'Copy failed: select the quote';
    b.dataset.copied = ok ? 'yes' : 'no';
    setTimeout(() => { b.textContent = 'Copy citation'; }, 2500);
  });
  return b;
}

function renderHit(hit, data, s) {
  const quote = hit.quote && typeof hit.quote.text === 'string' ? hit.quote : null;
  const note = matchNote(hit, data);
  const original = safeHref(hit.url);
  const fragment = textFragmentUrl(original, quote ? quote.text : firstHighlight(hit));
  const meta = [hit.source, hit.author, hit.date].filter(Boolean);
  const inSnippet = Boolean(quote && quote.text && (hit.snippet || '').includes(quote.text));
  return el('li', { className: 'hit', dataset: { id: hit.id } },
    el('h3', { className: 'title' }, el('a', { href: docLink(hit, s, quote) }, hit.title || hit.id)),
    el('p', { className: 'meta' },
      meta.length ? meta.map((m, i) => [i ? el('span', { 'aria-hidden': 'true' }, ' · ') : null, el('span', null, m)]) : el('span', null, hit.id),
      note ? el('span', { className: 'badge ' + note.cls, title: note.text }, note.cls) : null),
    note ? el('p', { className: 'visually-hidden' }, note.text) : null,
    el('p', { className: 'snippet' }, highlighted(hit.snippet, hit.highlights, inSnippet ? quote.text : null)),
    quote ? el('figure', { className: 'quote' + (inSnippet ? ' in-snippet' : '') },
      inSnippet ? null : el('blockquote', null, quote.text),
      el('figcaption', { className: 'actions' },
        inSnippet ? el('span', { className: 'hint' }, 'Quote: the underlined sentence') : null,
        copyButton(hit, quote.text),
        fragment ? el('a', { href: fragment, className: 'original', target: '_blank', rel: 'noopener noreferrer' }, 'Open the original at this sentence') : null)) : null,
    el('p', { className: 'links' },
      original ? el('a', { href: original, className: 'url', target: '_blank', rel: 'noopener noreferrer' }, original) : null,
      !quote && fragment && fragment !== original.split('#')[0] ? el('a', { href: fragment, className: 'original', target: '_blank', rel: 'noopener noreferrer' }, 'Open at the match') : null));
}

// A link to the search s changed by `changes` (a new query or a filter).
function searchLink(s, changes, text) {
  const to = Object.assign({}, s, { offset: 0 }, changes);
  return el('a', { href: searchUrl(to), onclick: (e) => { e.preventDefault(); navigate(to); } }, text);
}

// What was searched besides the words typed: a spelling correction, a
// threat-actor group's other names; and shards that did not answer.
function renderSearched(box, data, s) {
  if (typeof data.suggestion === 'string' && data.suggestion) {
    box.append(data.corrected
      ? el('p', { className: 'notice suggestion' }, 'Nothing matched what you typed: showing results for ',
        el('strong', null, data.suggestion), ' (spelling corrected).')
      : el('p', { className: 'notice suggestion' }, 'Did you mean ', searchLink(s, { q: data.suggestion }, data.suggestion), '?'));
  }
  const names = Array.isArray(data.expanded) ? data.expanded.filter((n) => typeof n === 'string') : [];
  if (names.length) {
    box.append(el('p', { className: 'notice aliases' }, 'Also searched for the group\u2019s other names: ' + names.join(', ') + '. ',
      searchLink(s, { aliases: '0' }, 'Search only for what you typed')));
  }
  if (data.partial) {
    const down = Array.isArray(data.missing_shards) ? data.missing_shards.join(', ') : '';
    box.append(el('p', { className: 'notice warning partial' },
      'Part of the archive did not answer' + (down ? ' (' + down + ')' : '') + ': these results come from the rest of it.'));
  }
}

function renderNotices(data, s) {
  const box = clear($('notices'));
  renderSearched(box, data, s);
  if (data.approximate) box.append(el('p', { className: 'notice approximate' }, 'No article holds the exact phrase: these are close matches (a word dropped, added or inflected differently, or the words in another order).'));
  if (data.relaxed) box.append(el('p', { className: 'notice relaxed' }, 'No article holds every word: these are the best partial matches.'));
  for (const w of Array.isArray(data.warnings) ? data.warnings : []) {
    box.append(el('p', { className: 'notice warning' }, typeof w === 'string' ? w : w.message || JSON.stringify(w)));
  }
}

function renderPager(data, s) {
  const total = totalValue(data.total);
  const hits = (data.hits || []).length;
  const pager = $('pager');
  pager.hidden = total <= PAGE_SIZE && !s.offset;
  $('prev').disabled = s.offset <= 0;
  $('next').disabled = s.offset + hits >= total || s.offset + PAGE_SIZE >= 10000;
  $('page-info').textContent = hits ? `${fmt(s.offset + 1)}–${fmt(s.offset + hits)} of ${totalText(data.total)}` : '';
}

export function renderResults(data, s) {
  renderNotices(data, s);
  renderChips(s);
  const list = clear($('results'));
  const hits = Array.isArray(data.hits) ? data.hits : [];
  const summary = el('p', { className: 'summary' }, totalText(data.total),
    typeof data.took_ms === 'number' ? el('span', { className: 'took' }, ` in ${data.took_ms < 1 ? data.took_ms.toFixed(2) : Math.round(data.took_ms)} ms`) : null);
  $('notices').prepend(summary);
  list.start = s.offset + 1;
  for (const hit of hits) list.append(renderHit(hit, data, s));
  renderPager(data, s);
  renderFacets(data.facets, s);
}

export function renderError(e, s) {
  clear($('results'));
  $('pager').hidden = true;
  $('facets').hidden = true;
  const box = clear($('notices'));
  box.append(el('p', { className: 'notice error', role: 'alert' }, e.message || String(e)));
  if (e.position !== null && e.position !== undefined && s.q) {
    // position is a byte offset into q: show the query cut there.
    const bytes = new TextEncoder().encode(s.q);
    const dec = new TextDecoder();
    const before = dec.decode(bytes.slice(0, e.position));
    const after = dec.decode(bytes.slice(e.position));
    box.append(el('p', { className: 'notice error-at' }, 'At: ', el('code', null, before), el('mark', { className: 'caret' }, '▲'), el('code', null, after)));
  }
}

// ---------------------------------------------------------------- facets

function facetList(title, facet, isOn, onPick) {
  if (!facet || !Array.isArray(facet.values) || !facet.values.length) return null;
  return el('section', { className: 'facet' },
    el('h2', null, title),
    el('ul', { className: 'plain' }, facet.values.map((v) => {
      const on = isOn(v.value);
      return el('li', null, el('button', { type: 'button', className: 'facet-value', 'aria-pressed': on ? 'true' : 'false', onclick: () => onPick(v.value, on) },
        el('span', { className: 'name' }, String(v.value)), el('span', { className: 'count' }, fmt(v.count))));
    })),
    facet.other ? el('p', { className: 'hint' }, `and ${fmt(facet.other)} in others`) : null);
}

function yearHistogram(facet, s) {
  if (!facet || !Array.isArray(facet.values) || !facet.values.length) return null;
  const values = facet.values.filter((v) => /^\d{4}$/.test(String(v.value))).sort((a, b) => String(a.value).localeCompare(String(b.value)));
  if (!values.length) return null;
  const max = Math.max(...values.map((v) => v.count), 1);
  const bars = values.map((v) => {
    const y = String(v.value);
    const on = s.from === y && s.to === y;
    const bar = el('span', { className: 'bar', 'aria-hidden': 'true' });
    bar.style.height = Math.max(4, Math.round((v.count / max) * 64)) + 'px';
    return el('li', null, el('button', { type: 'button', className: 'year', 'aria-pressed': on ? 'true' : 'false', 'aria-label': `${y}: ${fmt(v.count)} results`, title: `${y}: ${fmt(v.count)}`,
      onclick: () => refine(on ? { from: '', to: '' } : { from: y, to: y }) }, bar, el('span', { className: 'label' }, y)));
  });
  return el('section', { className: 'facet' }, el('h2', null, 'Year'), el('ol', { className: 'histogram plain' }, bars));
}

function authorQuery(q, name, on) {
  const term = 'author:"' + name.replace(/"/g, '') + '"';
  if (on) return q.replace(term, '').replace(/\s+/g, ' ').trim();
  return q + ' ' + term;
}

export function renderFacets(facets, s) {
  const box = clear($('facets'));
  if (!facets || typeof facets !== 'object') {
    box.hidden = true;
    return;
  }
  const parts = [
    facetList('Sources', facets.source, (v) => s.source === v, (v, on) => refine({ source: on ? '' : v })),
    facetList('Authors', facets.author, (v) => s.q.includes('author:"' + String(v).replace(/"/g, '') + '"'),
      (v, on) => navigate(Object.assign({}, currentState(), { q: authorQuery(s.q, String(v), on), offset: 0 }), { record: false })),
    yearHistogram(facets.year, s),
  ].filter(Boolean);
  // On a phone the facets come before the results: folded, unless opened.
  if (facetsOpen === null) facetsOpen = !window.matchMedia('(max-width: 760px)').matches;
  const fold = el('details', { open: facetsOpen }, el('summary', null, 'Refine: sources, authors, years'), ...parts);
  fold.addEventListener('toggle', () => { facetsOpen = fold.open; });
  box.append(fold);
  box.hidden = parts.length === 0;
}

let facetsOpen = null;
