// The query engine's logic, without a browser.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const core = require('../../themes/default/assets/search-core.js');

test('words are split and normalised as the index splits them (shared cases with the Swift tests)', () => {
  const { cases } = JSON.parse(fs.readFileSync(path.join(__dirname, 'words.json'), 'utf8'));
  for (const [text, words] of cases) assert.deepEqual(core.words(core.normalize(text)), words, text);
});

test('shard keys and file names', () => {
  assert.equal(core.shardKey('клиент'), 'кл');
  assert.equal(core.shardKey('я'), 'я');
  assert.equal(core.shardKey('𝔸bc'), '𝔸b');
  assert.equal(core.shardFile('кл'), '43a-43b');
  assert.equal(core.shardFile('𝔸b'), '1d538-62');
});

test('postings decode: page gaps, quantised weight with a title flag, forms mask, form in the title', () => {
  // One form: page 0, q 4 (→ "I" = 8, no title); page 40 (gap 40 = 8 + 32·1: "o" then "B"), q 4 in the title ("J").
  const one = core.decode('AIoBJ', false);
  assert.deepEqual(one.map((x) => Math.round(x * 1000) / 1000), [0, 1.718, 1, -1, 40, 1.718, 1, 0]);
  // Several forms: page 2, q 1 + title ("D"), mask 0b101 ("F"), form 2 in the title ("D").
  const many = core.decode('CDFD', true);
  assert.deepEqual(many.map((x) => Math.round(x * 1000) / 1000), [2, 0.284, 5, 2]);
  assert.deepEqual(core.decode('', true), []);
});

test('one edit: substitution, insertion, deletion, transposition', () => {
  assert.ok(core.withinOneEdit('комплектация', 'коплектация'));
  assert.ok(core.withinOneEdit('предоплата', 'предоплота'));
  assert.ok(core.withinOneEdit('эскалация', 'эскалацыя'));
  assert.ok(core.withinOneEdit('гарантия', 'гарнатия'));
  assert.ok(core.withinOneEdit('клиент', 'клиентт'));
  assert.ok(!core.withinOneEdit('комплектация', 'кмоплектацыя'));
  assert.ok(!core.withinOneEdit('клиент', 'клиентов'));
});

test('queries: the last word is unfinished while typing; question words are optional', () => {
  assert.deepEqual(core.parseQuery('Что сказать, если клиент опозд'), [
    { text: 'что', prefix: false, optional: true },
    { text: 'сказать', prefix: false, optional: true },
    { text: 'если', prefix: false, optional: true },
    { text: 'клиент', prefix: false, optional: false },
    { text: 'опозд', prefix: true, optional: false },
  ]);
  assert.equal(core.parseQuery('возврат ')[0].prefix, false);
  assert.equal(core.parseQuery('тест-')[0].prefix, true);
  assert.deepEqual(core.parseQuery('  '), []);
});

test('a compound too long to be a word is searched by its parts', () => {
  const long = 'a'.repeat(40) + '-b';
  assert.deepEqual(core.parseQuery(long).map((t) => t.text), ['a'.repeat(40), 'b']);
  assert.deepEqual(core.parseQuery('тест-драйв-экспресс-доставка-автомобиля-клиенту').map((t) => t.text),
    ['тест', 'драйв', 'экспресс', 'доставка', 'автомобиля', 'клиенту']);
});

test('stress marks and final sigma are folded on the query side too', () => {
  assert.equal(core.normalize('Бо\u0301льшая'), 'большая');
  assert.equal(core.normalize('ΟΔΟΣ'), 'οδοσ');
});

test('marks: matched forms and unfinished words, hyphenated words whole or by part', () => {
  const pieces = core.marks('Тест-драйв: клиенту — Клиентов нет.', { forms: ['клиенту', 'тест-драйв'], prefixes: ['клиентов'] });
  assert.deepEqual(pieces.filter((p) => p.hit).map((p) => p.text), ['Тест-драйв', 'клиенту', 'Клиентов']);
  assert.equal(pieces.map((p) => p.text).join(''), 'Тест-драйв: клиенту — Клиентов нет.');
  const part = core.marks('мастер-консультант', { forms: ['мастер'], prefixes: [] });
  assert.deepEqual(part, [{ text: 'мастер', hit: true }, { text: '-консультант', hit: false }]);
});

test('snippets are cut around the most matched words, on word boundaries', () => {
  const filler = 'слово '.repeat(60);
  const text = filler + 'здесь возврат предоплаты клиенту ' + filler;
  const pieces = core.snippet(text, { forms: ['возврат', 'предоплаты'], prefixes: [] }, 120);
  const joined = pieces.map((p) => p.text).join('');
  assert.ok(joined.startsWith('…') && joined.endsWith('…'), joined);
  assert.ok(joined.length <= 125, joined.length);
  assert.deepEqual(pieces.filter((p) => p.hit).map((p) => p.text), ['возврат', 'предоплаты']);
  assert.ok(!/^…\S*[а-я]…/.test(joined));
  // A window boundary never splits a character made of two UTF-16 units.
  const emoji = '😀'.repeat(200);
  for (const size of [59, 60, 61]) {
    const cut = core.snippet(emoji, { forms: [], prefixes: [] }, size).map((p) => p.text).join('');
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), `size ${size}`);
  }
  const short = core.snippet('Коротко.', { forms: [], prefixes: [] });
  assert.deepEqual(short, [{ text: 'Коротко.', hit: false }]);
});

test('an engine over a hand-made index: BM25 order, ties by page, fallback, kinds', async () => {
  const files = {
    'index.js': { v: 3, n: 3, kinds: 'S1I1C1', shards: 'во пр' },
    // возврат (forms возврат, возврата): page 0 (q 4), page 1 (q 4, «возврата» in the title),
    // page 2 (q 8). предоплат (form предоплаты): pages 1 and 2, its postings in a file of their own.
    'w/432-43e.js': { g: [['возврат', 3, 'AIBBJCCBQB', '', 'а']], a: {} },
    'w/43f-440.js': { g: [['предоплат', 2, 0, 'ы']], a: {} },
    'p/43f-440-435-434-43e-43f-43b-430-442.js': 'BIBI',
  };
  const engine = new core.Engine((p) => Promise.resolve(files[p] || null));
  const one = await engine.search('возврат ');
  assert.deepEqual(one.results.map((r) => r.page), [2, 1, 0]);
  assert.deepEqual(one.counts, { step: 1, situation: 1, script: 1 });
  const both = await engine.search('возврат предоплаты ');
  assert.deepEqual(both.results.map((r) => r.page), [2, 1]);
  assert.equal(both.complete, true);
  const fallback = await engine.search('возврат бананов ');
  assert.equal(fallback.complete, false);
  assert.deepEqual(fallback.results.map((r) => r.page), [2, 1, 0]);
  const scripts = await engine.search('возврат ', { kind: 'script' });
  assert.deepEqual(scripts.results.map((r) => r.page), [2]);
  const typing = await engine.search('возвр');
  assert.deepEqual(typing.results.map((r) => r.page).sort(), [0, 1, 2]);
  assert.deepEqual(typing.highlight.prefixes, ['возвр']);
  assert.deepEqual(typing.highlight.forms, ['возврат', 'возврата']);
  // Page 1 has «возврата» in its title: above page 2, which has the stem more often but in its body.
  const titled = await engine.search('возврата ');
  assert.deepEqual(titled.results.map((r) => r.page), [1, 2, 0]);
});

test('pages with most of the words in their title come before pages that have them all only in their text', async () => {
  // Page 0: «плохой», «отзыв» and «интернете» in its body; page 1: «отзыв» and «интернете» in its
  // title, no «плохой»; page 2: «отзыв» alone, in its title.
  const files = {
    'index.js': { v: 3, n: 3, kinds: 'P1I1C1', shards: 'ин от пл' },
    'w/43f-43b.js': { g: [['плох', 1, 'AE', 'ой']], a: {} },
    'w/43e-442.js': { g: [['отзыв', 3, 'AEBJBJ', '']], a: {} },
    'w/438-43d.js': { g: [['интернет', 2, 'AEBJ', 'е']], a: {} },
  };
  const engine = new core.Engine((p) => Promise.resolve(files[p] || null));
  const three = await engine.search('плохой отзыв в интернете ');
  assert.deepEqual(three.results.map((r) => r.page), [1, 0], 'two words in a title, then all three in a body; one title word is not enough');
  assert.equal(three.complete, true);
  const two = await engine.search('отзыв интернете ');
  assert.deepEqual(two.results.map((r) => r.page), [1, 0]);
  // One word: the score decides, as before.
  const one = await engine.search('отзыв ');
  assert.deepEqual(one.results.map((r) => r.page).sort(), [0, 1, 2]);
});

test('a one-letter unfinished word is not highlighted as a prefix of everything', async () => {
  const files = {
    'index.js': { v: 3, n: 1, kinds: 'S1', shards: 'кл' },
    'w/43a-43b.js': { g: [['клиент', 1, 'AI', '']], a: {} },
  };
  const engine = new core.Engine((p) => Promise.resolve(files[p] || null));
  const found = await engine.search('клиент в');
  assert.deepEqual(found.highlight.prefixes, []);
  assert.deepEqual((await engine.search('клие')).highlight.prefixes, ['клие']);
});

test('a file that failed to load is tried again on the next query', async () => {
  let fail = true;
  const engine = new core.Engine((p) => {
    if (p === 'index.js') return Promise.resolve(fail ? null : { v: 3, n: 0, kinds: '', shards: '' });
    return Promise.resolve(null);
  });
  await assert.rejects(engine.search('возврат'));
  fail = false;
  assert.equal((await engine.search('возврат')).total, 0);
});

test('a missing index gives a clear error, not a hang', async () => {
  const engine = new core.Engine(() => Promise.resolve(null));
  await assert.rejects(engine.search('возврат'), /search index not found/);
});
