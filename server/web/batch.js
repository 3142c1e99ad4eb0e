// batch.js - batch search: a pasted list of quotes or names, one a line ->
// each line's best source in a table -> CSV. POST /api/batch answers all
// lines at once; a server without it is asked line by line (GET
// /api/search, limit 1), so the tab works either way.
import { $, api, ApiError, clear, el, fmt, safeHref, totalValue } from './util.js';

export const BATCH_MAX = 100;

async function viaBatchEndpoint(queries) {
  const data = await api('/api/batch', {
    method: 'POST',
    body: JSON.stringify(queries),
    headers: { 'Content-Type': 'application/json' },
  });
  return Array.isArray(data.results) ? data.results : null;
}

async function lineByLine(queries) {
  const out = new Array(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      try {
        const d = await api('/api/search?' + new URLSearchParams({ q: queries[i], limit: '1' }));
        out[i] = { query: queries[i], total: d.total, hits: d.hits || [], approximate: d.approximate, relaxed: d.relaxed };
      } catch (e) {
        out[i] = { query: queries[i], total: 0, hits: [], error: e.message };
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

let batchEndpoint = true; // until the server says it has none

async function runBatch(queries) {
  if (batchEndpoint) {
    try {
      const r = await viaBatchEndpoint(queries);
      if (r) return r;
    } catch (e) {
      if (!(e instanceof ApiError) || ![404, 405, 413].includes(e.status)) throw e;
    }
    batchEndpoint = false;
  }
  return lineByLine(queries);
}

function errorText(r) {
  if (!r.error) return '';
  return typeof r.error === 'string' ? r.error : r.error.message || 'error';
}

// One row a query: what the CSV holds, and the table shows.
function rowOf(r) {
  const hit = (r.hits || [])[0] || {};
  const quote = hit.quote && hit.quote.text ? hit.quote.text : '';
  const match = !hit.id ? '' : hit.match || (r.approximate ? 'approximate' : r.relaxed ? 'relaxed' : 'exact');
  return {
    query: r.query, total: r.error ? '' : totalValue(r.total), id: hit.id || '', title: hit.title || '',
    source: hit.source || '', date: hit.date || '', url: hit.url || '', quote, match, error: errorText(r),
    atLeast: Boolean(r.total && r.total.relation === 'gte'),
  };
}

const CSV_COLUMNS = ['query', 'total', 'match', 'id', 'title', 'source', 'date', 'url', 'quote', 'error'];

// A CSV cell; a leading = + - @ is defused with ' so that a spreadsheet
// never runs an index string as a formula.
function csvCell(v) {
  let s = String(v === null || v === undefined ? '' : v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCsv(rows) {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}

function renderRow(r, i) {
  const href = r.id ? '/doc/' + encodeURIComponent(r.id) + '?' + new URLSearchParams({ q: r.query }) : null;
  return el('tr', null,
    el('td', null, String(i + 1)),
    el('td', { className: 'q' }, r.query),
    el('td', { className: 'num' }, r.error ? '' : (r.atLeast ? '≥ ' : '') + fmt(r.total)),
    el('td', null, r.error ? el('span', { className: 'error' }, r.error)
      : r.id ? [el('a', { href }, r.title || r.id),
        r.match && r.match !== 'exact' ? el('span', { className: 'badge ' + r.match }, r.match) : null,
        r.source ? el('div', { className: 'hint' }, r.source) : null,
        safeHref(r.url) ? el('div', null, el('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer', className: 'url' }, r.url)) : null]
      : el('span', { className: 'hint' }, 'no match')),
    el('td', { className: 'date' }, r.date),
    el('td', { className: 'quote-cell' }, r.quote));
}

let csvUrl = null;

async function onSubmit(e) {
  e.preventDefault();
  const lines = $('batch-input').value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const status = $('batch-status');
  if (!lines.length) {
    status.textContent = 'Paste at least one line.';
    return;
  }
  const queries = lines.slice(0, BATCH_MAX);
  status.textContent = `Searching ${queries.length} lines…` + (lines.length > BATCH_MAX ? ` (the first ${BATCH_MAX} of ${lines.length})` : '');
  const table = $('batch-table');
  let results;
  try {
    results = await runBatch(queries);
  } catch (err) {
    status.textContent = 'Batch failed: ' + err.message;
    return;
  }
  const rows = results.map(rowOf);
  clear(table.tBodies[0]).append(...rows.map(renderRow));
  table.hidden = false;
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const link = $('batch-csv');
  link.href = csvUrl;
  link.hidden = false;
  const found = rows.filter((r) => r.id).length;
  status.textContent = `${found} of ${rows.length} lines found a source.`;
}

export function initBatch() {
  $('batch-form').addEventListener('submit', onSubmit);
}
