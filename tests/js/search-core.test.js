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

test('postings decode: gaps between pages, then quantised weights', () => {
  // Page 0 weight 1 (A=0, B=1 → tf 1/4), page 40 (gap 40 = 8 + 32·1: "o", the continued 8, then "B"), weight 4 → "E".
  assert.deepEqual(core.decode('ABoBE'), [0, 0.25, 40, 1]);
  assert.deepEqual(core.decode(''), []);
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
  const short = core.snippet('Коротко.', { forms: [], prefixes: [] });
  assert.deepEqual(short, [{ text: 'Коротко.', hit: false }]);
});

test('an engine over a hand-made index: BM25 order, ties by page, fallback, kinds', async () => {
  const files = {
    'index.js': { v: 1, n: 3, kinds: 'SIC', shards: 'во пр' },
    // возврат: pages 0 (tf 1) and 2 (tf 3); возврата: page 1 (tf 1). предоплат-: page 1 and 2.
    'w/432-43e.js': { g: [['возврат', '', 'AECM', 'а', 'BE']], a: {} },
    'w/43f-440.js': { g: [['предоплат', 'ы', 'BEBE']], a: {} },
  };
  const engine = new core.Engine((p) => Promise.resolve(files[p] || null));
  const one = await engine.search('возврат ');
  assert.deepEqual(one.results.map((r) => r.page), [2, 0, 1]);
  assert.deepEqual(one.counts, { step: 1, situation: 1, script: 1 });
  const both = await engine.search('возврат предоплаты ');
  assert.deepEqual(both.results.map((r) => r.page), [2, 1]);
  assert.equal(both.complete, true);
  const fallback = await engine.search('возврат бананов ');
  assert.equal(fallback.complete, false);
  assert.deepEqual(fallback.results.map((r) => r.page), [2, 0, 1]);
  const scripts = await engine.search('возврат ', { kind: 'script' });
  assert.deepEqual(scripts.results.map((r) => r.page), [2]);
  const typing = await engine.search('возвр');
  assert.deepEqual(typing.results.map((r) => r.page).sort(), [0, 1, 2]);
  assert.deepEqual(typing.highlight.prefixes, ['возвр']);
});

test('a missing index gives a clear error, not a hang', async () => {
  const engine = new core.Engine(() => Promise.resolve(null));
  await assert.rejects(engine.search('возврат'), /search index not found/);
});
