// Builds the sample book once (with the debug build of servicebook) into a temporary folder.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const project = path.resolve(__dirname, '..', '..');
let built = null;

function sampleSite() {
  if (built) return built;
  const tool = process.env.SERVICEBOOK || path.join(project, '.build', 'debug', 'servicebook');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-search-'));
  execFileSync(tool, ['build', '--quiet', '--content', path.join(project, 'content'), '--output', path.join(out, 'site')],
    { env: { ...process.env, SOURCE_DATE_EPOCH: '1795132800' }, stdio: ['ignore', 'ignore', 'inherit'] });
  built = path.join(out, 'site');
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  return built;
}

module.exports = { project, sampleSite };
