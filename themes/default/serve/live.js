/* servicebook serve: reloads the page when the book is rebuilt, shows the book's errors. */
(function () {
  'use strict';
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(problems) {
    hide();
    overlay = document.createElement('div');
    overlay.id = 'sb:serve-errors';
    overlay.setAttribute('role', 'alert');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:1000;overflow:auto;background:rgba(20,23,28,.94);' +
      'color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem';
    var title = document.createElement('h2');
    title.textContent = problems.length === 1 ? 'The book has an error' : 'The book has ' + problems.length + ' errors';
    title.style.cssText = 'color:#ff8a80;margin:0 0 1rem;font-size:1.3rem';
    overlay.appendChild(title);
    var note = document.createElement('p');
    note.textContent = 'This page is the last good version. Save a fix and it reloads.';
    overlay.appendChild(note);
    var list = document.createElement('ul');
    list.style.cssText = 'padding-left:1.2rem';
    problems.forEach(function (p) {
      var item = document.createElement('li');
      var where = document.createElement('strong');
      where.textContent = p.file + (p.line ? ':' + p.line + (p.column ? ':' + p.column : '') : '');
      item.appendChild(where);
      item.appendChild(document.createTextNode(' ' + p.code + ': ' + p.message));
      item.style.cssText = 'margin:.5rem 0';
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  // One stream per visible page: browsers allow few connections per host, so hidden tabs
  // let theirs go and check for a missed rebuild when they come back.
  var events = null, seen = null;
  function connect() {
    if (events) return;
    events = new EventSource('/__servicebook/events');
    events.addEventListener('hello', function (e) {
      var generation = JSON.parse(e.data).generation;
      if (seen !== null && generation !== seen) window.location.reload();
      seen = generation;
      hide();
    });
    events.addEventListener('reload', function () { window.location.reload(); });
    events.addEventListener('problems', function (e) { show(JSON.parse(e.data)); });
  }
  function disconnect() { if (events) { events.close(); events = null; } }
  document.addEventListener('visibilitychange', function () { if (document.hidden) disconnect(); else connect(); });
  window.addEventListener('pagehide', disconnect);
  window.addEventListener('pageshow', function () { if (!document.hidden) connect(); });
  if (!document.hidden) connect();
})();
