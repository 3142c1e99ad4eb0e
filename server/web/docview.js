// docview.js - /doc/{id}: the whole article from /api/doc/{id}, as text,
// with the quoted sentence (qs/qe: its byte offsets in the body, from the
// search hit) marked and scrolled into view, and the query's words marked;
// below it, the similar articles (/api/similar/{id}: titles linking to
// their own view, with source and date).
import { $, api, clear, copyText, el, safeHref, textFragmentUrl } from './util.js';
import { citation } from './results.js';

// Words too common to be worth marking alone (the search does not
// highlight them alone either).
const STOP = new Set(('a an and are as at be but by for from had has have he her his i if in into is it its ' +
  'no not of on or our she so than that the their them then there these they this to was we were what when ' +
  'which who will with would you').split(' '));

// The query's words, for marking in the article: a close reading of the
// query syntax (fields, operators, exclusions and ~N left out) that marks
// a word and the words it is the stem of, as the index matches them.
export function queryWords(q) {
  const words = new Set();
  const text = (q || '').replace(/\b(id|date|source):("[^"]*"|\S+)/gi, ' ').replace(/~\d+/g, ' ');
  for (let tok of text.split(/[\s"“”„«»‘’()]+/)) {
    if (!tok || tok.startsWith('-') || /^(AND|OR|NOT)$/.test(tok)) continue;
    tok = tok.replace(/^\+/, '').replace(/^(title|author):/i, '');
    for (const w of tok.split(/[^\p{L}\p{N}*.'-]+/u)) {
      const word = w.replace(/^[.'-]+|[.'-]+$/g, '').toLowerCase();
      if (word.replace('*', '').length >= 2 && !STOP.has(word)) words.add(word);
    }
  }
  return [...words];
}

function wordPattern(word) {
  const prefix = word.endsWith('*');
  let w = word.replace(/\*$/, '');
  if (!prefix && w.length > 4 && /^\p{L}+$/u.test(w)) w = w.replace(/(ing|ed|es|s)$/, '');
  const esc = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tail = prefix || w !== word ? '[\\p{L}\\p{N}]*' : "(?:'s)?";
  return esc + tail;
}

// [start, end) UTF-16 ranges of the query's words in body.
function wordRanges(body, words) {
  if (!words.length) return [];
  const re = new RegExp('(?<![\\p{L}\\p{N}])(?:' + words.map(wordPattern).join('|') + ')(?![\\p{L}\\p{N}])', 'giu');
  const out = [];
  for (const m of body.matchAll(re)) if (m[0]) out.push([m.index, m.index + m[0].length]);
  return out;
}

// Byte offsets in the UTF-8 body -> UTF-16 string indexes.
function byteRangeToIndexes(body, start, end) {
  const bytes = new TextEncoder().encode(body);
  if (!(start >= 0 && end > start && end <= bytes.length)) return null;
  const dec = new TextDecoder();
  const s = dec.decode(bytes.subarray(0, start)).length;
  return [s, s + dec.decode(bytes.subarray(start, end)).length];
}

// One paragraph [ps, pe) of body as nodes, with the ranges marked (the
// quote range as <mark class="quote">).
function paragraph(body, ps, pe, marks) {
  const p = el('p');
  let at = ps;
  for (const m of marks) {
    const s = Math.max(m.s, at);
    const e = Math.min(m.e, pe);
    if (e <= s) continue;
    if (s > at) p.append(body.slice(at, s));
    p.append(el('mark', { className: m.cls }, body.slice(s, e)));
    at = e;
  }
  if (at < pe) p.append(body.slice(at, pe));
  return p;
}

function renderBody(body, quote, words) {
  const marks = wordRanges(body, words).map(([s, e]) => ({ s, e, cls: 'term' }));
  if (quote) {
    // The quote wins over the words inside it: it is marked as one.
    for (let i = marks.length - 1; i >= 0; i--) if (marks[i].e > quote[0] && marks[i].s < quote[1]) marks.splice(i, 1);
    marks.push({ s: quote[0], e: quote[1], cls: 'quoted' });
  }
  marks.sort((a, b) => a.s - b.s);
  const out = [];
  const re = /\n\s*\n|\n/g;
  let ps = 0;
  for (let m; (m = re.exec(body)) !== null; ps = m.index + m[0].length) {
    if (m.index > ps) out.push(paragraph(body, ps, m.index, marks));
  }
  if (ps < body.length) out.push(paragraph(body, ps, body.length, marks));
  return out;
}

// How many similar articles the view lists.
const SIMILAR = 8;

// The "Similar articles" section, filled when /api/similar answers (the
// article is shown first: it never waits for them). q is kept in the links
// so that "Back to the results" still goes back to the search.
function similarSection(id, q) {
  const list = el('p', { className: 'status' }, 'Loading similar articles…');
  const box = el('section', { className: 'similar', 'aria-labelledby': 'similar-h' },
    el('h2', { id: 'similar-h' }, 'Similar articles'), list);
  const params = new URLSearchParams({ limit: String(SIMILAR), snippets: '0' });
  api('/api/similar/' + encodeURIComponent(id) + '?' + params).then((res) => {
    const hits = res.hits || [];
    if (!hits.length) {
      list.replaceWith(el('p', { className: 'status' }, 'No similar articles.'));
      return;
    }
    const more = q ? '?' + new URLSearchParams({ q }) : '';
    list.replaceWith(el('ol', null, hits.map((h) => {
      const meta = [h.source, h.date].filter(Boolean).join(' · ');
      return el('li', null, el('a', { href: '/doc/' + encodeURIComponent(h.id) + more }, h.title || h.id),
        meta ? el('span', { className: 'meta' }, meta) : null);
    })));
  }, (e) => {
    list.replaceWith(el('p', { className: 'notice error' }, 'Similar articles could not be loaded: ' + e.message));
  });
  return box;
}

export async function showDoc(id, params) {
  const box = clear($('doc'));
  const q = params.get('q') || '';
  $('doc-back').href = q ? '/?' + new URLSearchParams({ q }) : '/';
  box.append(el('p', { className: 'status' }, 'Loading…'));
  let doc;
  try {
    doc = await api('/api/doc/' + encodeURIComponent(id));
  } catch (e) {
    clear(box).append(el('p', { className: 'notice error', role: 'alert' }, e.status === 404 ? 'No such article: ' + id : e.message));
    return;
  }
  const body = doc.body || '';
  const quote = byteRangeToIndexes(body, parseInt(params.get('qs'), 10), parseInt(params.get('qe'), 10));
  const quoteText = quote ? body.slice(quote[0], quote[1]) : '';
  const original = safeHref(doc.url);
  const meta = [doc.source, doc.author, doc.date].filter(Boolean);
  document.title = 'Quire: ' + (doc.title || id);
  const copy = quote ? el('button', { type: 'button', className: 'copy secondary' }, 'Copy citation') : null;
  if (copy) copy.addEventListener('click', async () => {
    copy.textContent = (await copyText(citation(Object.assign({ id }, doc), quoteText))) ? 'Copied' : 'Copy failed';
  });
  clear(box).append(
    el('h1', null, doc.title || id),
    el('p', { className: 'meta' }, meta.join(' · ') || id),
    el('p', { className: 'links' },
      original ? el('a', { href: quote ? textFragmentUrl(original, quoteText) : original, target: '_blank', rel: 'noopener noreferrer' }, quote ? 'Open the original at the quote' : 'Open the original') : null,
      copy),
    el('div', { className: 'body' }, renderBody(body, quote, queryWords(q))),
    similarSection(id, q));
  const target = box.querySelector('mark.quoted') || box.querySelector('mark.term');
  if (target) target.scrollIntoView({ block: 'center' });
}
