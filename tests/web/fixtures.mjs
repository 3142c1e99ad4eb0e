// fixtures.mjs - the test corpus beside corpus/: articles with sources,
// authors, dates and URLs (so that facets, sorting, dates, paging and the
// citation have something to show), and two whose title and body carry
// HTML that must reach the page as text.
import { writeFileSync } from 'node:fs';

export const SOURCES = ['newsdesk/alpha', 'newsdesk/beta', 'gazette'];
export const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
export const QUOTE = 'The harbour authority confirmed that the ransomware crew demanded forty bitcoin before the weekend.';
export const QUOTE_ID = 'fx-quote';
export const XSS_TITLE = 'Harbour <img src=x onerror="window.__pwned=1"> attack';
export const XSS_TITLE2 = '<script>window.__pwned=2</script> Port systems';
export const RANSOM_DOCS = 24;
// A sentence longer than a snippet: the page shows it apart, whole.
export const LONG_QUOTE = 'Over three winters the lighthouse keepers logged every vessel that passed the northern ' +
  'cape, noting the flags, the cargo declared to the harbour master, the hours of arrival and departure, the ' +
  'weather at each crossing and the names of the pilots who brought the larger ships through the narrow channel.'; // documents holding "ransomware", the quote's among them

export function writeFixtures(path) {
  const docs = [];
  for (let i = 0; i < RANSOM_DOCS - 1; i++) {
    const year = 2014 + (i % 7);
    const month = String(1 + (i % 12)).padStart(2, '0');
    docs.push({
      id: `fx-${String(i).padStart(2, '0')}`,
      title: `Ransomware report number ${i} on port logistics`,
      source: SOURCES[i % 3],
      author: AUTHORS[i % 3],
      date: `${year}-${month}-1${i % 10}`,
      url: `https://news.example/articles/${i}`,
      body: `Analysts tracked ransomware activity across shipping firms in report ${i}. ` +
        'Insurers said the attackers moved laterally before encrypting the servers. ' +
        `Recovery took ${i + 2} days according to the operators.`,
    });
  }
  docs.push({
    id: QUOTE_ID,
    title: 'Harbour pays no ransom',
    source: 'gazette',
    author: 'Grace Hopper',
    date: '2021-03-04',
    url: 'https://news.example/harbour-ransom?ref=feed#top',
    body: 'Port operations resumed on Monday after a week of disruption.\n\n' + QUOTE +
      ' Officials declined to pay and restored the systems from offline backups.\n\nThe ransomware ' +
      'group has not commented. Shipping schedules are expected to recover within a fortnight.',
  });
  docs.push({
    id: 'fx-long', title: 'The keepers of the northern light', source: 'gazette', author: 'Alan Turing',
    date: '2018-11-02', url: 'https://news.example/keepers',
    body: 'A short opening line. ' + LONG_QUOTE + ' A short closing line.',
  });
  docs.push({
    id: 'fx-xss-1', title: XSS_TITLE, source: 'gazette <b>bold</b>', author: 'Mallory <i>x</i>', date: '2019-05-05',
    url: 'javascript:alert(1)',
    body: 'The xsscanary story: <img src=x onerror="window.__pwned=3"> was in the text of the page.',
  });
  docs.push({
    id: 'fx-xss-2', title: XSS_TITLE2, source: 'gazette', date: '2019-06-06',
    body: 'Another xsscanary article, with <script>window.__pwned=4</script> in its body.',
  });
  // A threat-actor group under two of its names (MISP: Fancy Bear = Sofacy).
  docs.push({
    id: 'fx-apt-named', title: 'Ministry mail', source: 'newsdesk/alpha', date: '2017-02-02',
    body: 'Analysts say Fancy Bear sent the phishing mail to the ministry.',
  });
  docs.push({
    id: 'fx-apt-alias', title: 'Ministry mail again', source: 'newsdesk/beta', date: '2017-02-03',
    body: 'Analysts say Sofacy sent the phishing mail to the ministry.',
  });
  writeFileSync(path, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return docs;
}
