// Loads a built site's search files in Node the way the page does: each file is a script that
// calls __sb(type, key, data). Counts the bytes read, as a browser would download them.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const core = require('../../themes/default/assets/search-core.js');

function engineFor(site) {
  const stats = { bytes: 0, files: 0 };
  const engine = new core.Engine((file) => {
    const full = path.join(site, 'search', file);
    if (!fs.existsSync(full)) return Promise.resolve(null);
    const code = fs.readFileSync(full, 'utf8');
    stats.bytes += Buffer.byteLength(code);
    stats.files += 1;
    let data = null;
    vm.runInNewContext(code, { __sb: (type, key, value) => { data = value; } });
    return Promise.resolve(data);
  });
  return { engine, stats };
}

// The first `count` results of a query with their titles and URLs.
async function top(engine, query, count = 5, options = {}) {
  const found = await engine.search(query, options);
  const docs = await Promise.all(found.results.slice(0, count).map((r) => engine.doc(r.page)));
  return docs.map((d, i) => ({ url: d.u, title: d.t, kind: d.k, score: found.results[i].score }));
}

module.exports = { core, engineFor, top };
