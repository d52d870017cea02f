// Search quality on the sample book: Russian queries and the pages that must come first, run
// through the same engine the browser runs (themes/default/assets/search-core.js).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { engineFor, top } = require('./loader.js');
const { sampleSite } = require('./site.js');

// [query, the page that must come first (or any of several)]
const FIRST = [
  // the handbook's own examples
  ['возврат', 'situations/prepayment-refund'],
  ['возврат предоплаты', 'situations/prepayment-refund'],
  ['тайный покупатель', 'glossary/mystery-shopper'],
  ['что сказать если клиент опоздал', 'situations/late-customer'],
  // morphology: other forms of the words of a title
  ['возврата предоплаты', ['situations/prepayment-refund', 'scripts/prepayment-refund']],
  ['тайного покупателя', 'glossary/mystery-shopper'],
  ['негативные отзывы', 'situations/negative-online-review'],
  ['негативного отзыва', 'situations/negative-online-review'],
  ['жалобы клиентов', ['situations/written-complaint', 'standards/complaint-handling']],
  ['недовольным клиентом', ['situations/angry-customer', 'scripts/angry-customer']],
  ['клиент опаздывает', ['situations/late-customer', 'scripts/late-customer']],
  ['задержки поставки', 'situations/delivery-delay'],
  ['запрещённых фраз', 'standards/forbidden-phrases'],
  ['персональных данных', 'standards/personal-data'],
  // prefixes while typing
  ['тест-д', ['steps/test-drive', 'glossary/test-drive']],
  ['предопл', ['glossary/prepayment', 'steps/prepayment']],
  ['возвр', ['situations/prepayment-refund', 'scripts/prepayment-refund']],
  ['эскал', 'glossary/escalation'],
  ['тайный пок', 'glossary/mystery-shopper'],
  ['задержка рем', ['situations/repair-delay', 'scripts/repair-delay-notice']],
  // one typo
  ['коплектация', 'glossary/configuration'],
  ['предоплота', 'glossary/prepayment'],
  ['эскалацыя', 'glossary/escalation'],
  // ё and е
  ['запрещенные фразы', 'standards/forbidden-phrases'],
  ['запрещённые фразы', 'standards/forbidden-phrases'],
  // hyphenated words, written with or without the hyphen
  ['тест-драйв', ['steps/test-drive', 'glossary/test-drive']],
  ['мастер-консультант', 'roles/service-advisor'],
  ['мастер консультант', 'roles/service-advisor'],
  ['заказ-наряд', 'glossary/work-order'],
  ['трейд-ин', ['glossary/trade-in', 'steps/trade-in-evaluation']],
  // Latin words in a Russian book
  ['CRM', 'glossary/crm'],
  ['nps', ['glossary/nps', 'steps/nps-survey', 'scripts/nps-survey']],
  ['CSI', 'glossary/csi'],
  // questions staff ask
  ['что делать если клиент требует руководителя', 'situations/management-request'],
  ['банк отказал в кредите', 'situations/credit-rejected'],
  ['повреждение при выдаче', 'situations/damage-at-delivery'],
  ['пропущенный звонок', 'situations/missed-call'],
  ['клиент считает цену завышенной', 'situations/price-complaint'],
  ['у конкурентов дешевле', ['situations/price-complaint', 'scripts/price-objection']],
  ['спор о гарантии', ['situations/warranty-dispute', 'scripts/warranty-dispute']],
  ['пришла не та комплектация', 'situations/wrong-configuration'],
  ['ремонт не закончен в срок', 'situations/repair-delay'],
  ['как ответить на негативный отзыв', ['scripts/negative-review-reply', 'situations/negative-online-review']],
  ['кто отвечает за выдачу автомобиля', ['roles/delivery-specialist', 'standards/vehicle-delivery']],
  ['внешний вид сотрудников сервиса', 'standards/appearance-service'],
  ['онлайн-запись на сервис', 'steps/service-booking-online'],
  ['оператор колл-центра', 'roles/call-center-operator'],
  // most of the words in a title beat all of them somewhere in a long chapter
  ['плохой отзыв в интернете', 'situations/negative-online-review'],
  ['премия менеджера отдела продаж', 'roles/sales-manager'],
  ['обучение менеджеров отдела продаж', 'roles/sales-manager'],
];

test('the first result of each query is the expected page', async () => {
  const { engine } = engineFor(sampleSite());
  const failures = [];
  for (const [query, expected] of FIRST) {
    const wanted = (Array.isArray(expected) ? expected : [expected]).map((p) => p + '.html');
    const results = await top(engine, query, 3);
    if (!results.length || !wanted.includes(results[0].url)) {
      failures.push(`«${query}»: wanted ${wanted.join(' or ')}, got ${results.map((r) => r.url).join(', ') || 'nothing'}`);
    }
  }
  assert.ok(FIRST.length >= 40);
  assert.deepEqual(failures, []);
});

test('forms of a word find the same pages', async () => {
  const { engine } = engineFor(sampleSite());
  // A space after the word: it is finished, so it is not also taken as the start of longer words.
  const pages = async (q) => (await engine.search(q + ' ')).results.map((r) => r.page).sort((a, b) => a - b);
  const groups = [['клиента', 'клиентов', 'клиенту'], ['отзывы', 'отзыва', 'отзывов', 'отзыв'], ['ещё', 'еще', 'ЕЩЁ']];
  for (const forms of groups) {
    const first = await pages(forms[0]);
    assert.ok(first.length > 0, forms[0]);
    for (const form of forms.slice(1)) assert.deepEqual(await pages(form), first, `${form} vs ${forms[0]}`);
  }
});

test('an exact form ranks above other forms of its stem', async () => {
  const { engine } = engineFor(sampleSite());
  const a = await engine.search('ещё');
  const b = await engine.search('еще');
  assert.deepEqual(a.results, b.results);
  // «возврат» is a title's exact word; «возврата» is in the script's title.
  const refund = await top(engine, 'возврат', 1);
  assert.equal(refund[0].title, 'Возврат предоплаты');
});

test('all words are required while some page has them all, then the best pages with fewer', async () => {
  const { engine } = engineFor(sampleSite());
  const all = await engine.search('возврат предоплаты');
  assert.equal(all.complete, true);
  const fewer = await engine.search('возврат бананов');
  assert.equal(fewer.complete, false);
  assert.ok(fewer.results.length > 0);
  const first = await top(engine, 'возврат бананов', 1);
  assert.equal(first[0].url, 'situations/prepayment-refund.html');
  assert.equal((await engine.search('бананы апельсины')).results.length, 0);
});

test('results can be filtered by kind, with counts per kind', async () => {
  const { engine } = engineFor(sampleSite());
  const everything = await engine.search('возврат');
  const scripts = await engine.search('возврат', { kind: 'script' });
  assert.ok(scripts.results.length > 0);
  assert.ok(scripts.results.every((r) => r.kind === 'script'));
  assert.equal(scripts.results.length, everything.counts.script);
  assert.equal(Object.values(everything.counts).reduce((a, b) => a + b, 0), everything.total);
});

test('a one-word query loads the manifest, one shard and the pages it shows', async () => {
  const { engine, stats } = engineFor(sampleSite());
  await top(engine, 'возврат', 8);
  assert.ok(stats.files <= 1 + 1 + 8, `${stats.files} files`);
});
