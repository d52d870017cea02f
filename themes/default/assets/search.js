/* servicebook search: the page side. The search box in every page's header (a combobox with a
   list of results as you type), the results page (search.html?q=…&kind=…) and the highlighting
   of the searched words on the page a result opens (?h=…). The index files are scripts added to
   the page, so search works from a server and from a folder on disk (file://) alike. */
(function () {
  'use strict';
  var S = window.ServicebookSearch;
  var form = document.querySelector('form.site-search');
  if (!S || !form) return;

  var root = form.getAttribute('data-root') || '';
  var input = document.getElementById('sb:search-input');
  var popup = document.getElementById('sb:search-popup');
  var list = document.getElementById('sb:search-list');
  var message = document.getElementById('sb:search-message');
  var status = document.getElementById('sb:search-status');
  var DROPDOWN = 8, PAGE = 20;

  function text(name) { return form.getAttribute('data-' + name) || ''; }
  function kindLabel(kind) { return text('kind-' + kind) || kind; }

  /* ---- Loading index files with <script> elements ---- */
  var waiting = new Map();
  window.__sb = function (type, key, data) {
    var path = type === 'm' ? 'index.js' : type === 'd' ? 'd/' + key + '.js' : type + '/' + S.shardFile(key) + '.js';
    var done = waiting.get(path);
    if (done) { waiting.delete(path); done(data); }
  };
  function load(path) {
    return new Promise(function (resolve) {
      var script = document.createElement('script');
      waiting.set(path, resolve);
      script.src = root + 'search/' + path;
      script.onload = script.onerror = function () {
        script.remove();
        if (waiting.get(path) === resolve) { waiting.delete(path); resolve(null); }
      };
      document.head.appendChild(script);
    });
  }
  var engine = new S.Engine(load);
  // For the benchmark (bench/search_bench.py) and for debugging in the console.
  S.page = { engine: engine, load: load };

  /* ---- Building result elements (text only: no author text becomes HTML) ---- */
  function marked(pieces, into) {
    pieces.forEach(function (p) {
      if (p.hit) {
        var m = document.createElement('mark');
        m.textContent = p.text;
        into.appendChild(m);
      } else into.appendChild(document.createTextNode(p.text));
    });
    return into;
  }
  function element(tag, className, content) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (content !== undefined) e.textContent = content;
    return e;
  }
  function resultURL(doc, highlight) {
    var words = highlight.forms.concat(highlight.prefixes.map(function (p) { return p + '*'; }));
    return root + doc.u + (words.length ? '?h=' + encodeURIComponent(words.join(' ')) : '');
  }
  function where(doc) { return [doc.c, doc.r].filter(Boolean).join(' · '); }
  /* A result's badge, title, breadcrumb and snippet, appended to `into`; returns the title.
     On the results page (`page`) the title is a link, the rest paragraphs, the snippet longer. */
  function resultBody(doc, found, into, page) {
    var block = page ? 'p' : 'span';
    var title = marked(S.marks(doc.t, found.highlight), element(page ? 'a' : 'span', 'search-title'));
    if (page) title.href = resultURL(doc, found.highlight);
    into.appendChild(element('span', 'kind-badge kind-' + doc.k, kindLabel(doc.k)));
    into.appendChild(document.createTextNode(' '));
    into.appendChild(title);
    if (where(doc)) into.appendChild(element(block, 'search-crumb', where(doc)));
    into.appendChild(marked(S.snippet(doc.x, found.highlight, page ? 260 : 180), element(block, 'search-snippet')));
    return title;
  }
  function searchPage(query, kind) {
    return root + 'search.html?q=' + encodeURIComponent(query) + (kind ? '&kind=' + kind : '');
  }

  /* ---- The combobox in the header ---- */
  var sequence = 0, active = -1, options = [];

  function setExpanded(open) {
    popup.hidden = !open;
    input.setAttribute('aria-expanded', open && !list.hidden ? 'true' : 'false');
    if (!open) {
      setActive(-1);
      sequence++;                            // a search still running must not reopen the list
    }
  }
  function setActive(index) {
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    active = index;
    if (active >= 0 && options[active]) {
      options[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }
  function go(url) { window.location.href = url; }

  function show(query, found, docs) {
    setActive(-1);
    list.textContent = '';
    options = [];
    docs.forEach(function (doc, i) {
      var li = element('li', 'search-option');
      li.id = 'sb:search-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.setAttribute('data-url', resultURL(doc, found.highlight));
      var title = resultBody(doc, found, li, false);
      title.id = li.id + '-title';
      li.setAttribute('aria-labelledby', title.id);
      list.appendChild(li);
      options.push(li);
    });
    if (found.total > 0) {
      var all = element('li', 'search-option search-all', text('all-results') + ': ' + found.total);
      all.id = 'sb:search-option-all';
      all.setAttribute('role', 'option');
      all.setAttribute('aria-selected', 'false');
      all.setAttribute('data-url', searchPage(query));
      list.appendChild(all);
      options.push(all);
    }
    list.hidden = options.length === 0;
    message.textContent = found.total === 0 ? text('no-results') : (found.complete ? '' : text('partial'));
    message.hidden = message.textContent === '';
    status.textContent = found.total === 0 ? text('no-results') : text('found') + ': ' + found.total;
    setExpanded(true);
  }

  function update() {
    var query = input.value, mine = ++sequence;
    if (S.parseQuery(query).every(function (t) { return Array.from(t.text).length < 2; })) {
      setExpanded(false);
      status.textContent = '';
      return;
    }
    engine.search(query).then(function (found) {
      return Promise.all(found.results.slice(0, DROPDOWN).map(function (r) { return engine.doc(r.page); }))
        .then(function (docs) {
          if (mine === sequence && document.activeElement === input) show(query, found, docs.filter(Boolean));
        });
    }).catch(function () {
      if (mine !== sequence || document.activeElement !== input) return;
      list.hidden = true;
      message.textContent = text('unavailable');
      message.hidden = false;
      setExpanded(true);
    });
  }

  input.addEventListener('input', update);
  input.addEventListener('focus', function () { if (input.value && popup.hidden) update(); });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (popup.hidden) { update(); return; }
      if (!options.length) return;
      e.preventDefault();
      var step = e.key === 'ArrowDown' ? 1 : -1;
      setActive(active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (active >= 0 && options[active]) go(options[active].getAttribute('data-url'));
      else if (input.value.trim()) go(searchPage(input.value));
    } else if (e.key === 'Escape') {
      sequence++;                            // whatever is still being searched is not wanted
      if (!popup.hidden) setExpanded(false);
      else input.value = '';
    } else if (e.key === 'Tab') setExpanded(false);
  });
  list.addEventListener('mousedown', function (e) { e.preventDefault(); });
  list.addEventListener('click', function (e) {
    var option = e.target.closest('[role="option"]');
    if (option) go(option.getAttribute('data-url'));
  });
  document.addEventListener('click', function (e) { if (!form.contains(e.target)) setExpanded(false); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (input.value.trim()) go(searchPage(input.value));
  });
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  /* ---- The results page ---- */
  var pageBox = document.getElementById('sb:search-page');
  if (pageBox) {
    var params = new URLSearchParams(window.location.search);
    var pageInput = document.getElementById('sb:search-page-input');
    var filters = pageBox.querySelector('.search-filters');
    var summary = pageBox.querySelector('.search-summary');
    var results = pageBox.querySelector('.search-results');
    var more = pageBox.querySelector('.search-more');
    var state = { query: params.get('q') || '', kind: params.get('kind') || '', shown: 0, found: null, run: 0 };
    pageInput.value = state.query;

    var showMore = function (focusFirst) {
      var found = state.found, slice = found.results.slice(state.shown, state.shown + PAGE), run = state.run;
      return Promise.all(slice.map(function (r) { return engine.doc(r.page); })).then(function (docs) {
        if (run !== state.run) return;
        docs.filter(Boolean).forEach(function (doc) {
          var li = element('li', 'search-result');
          var a = resultBody(doc, found, li, true);
          results.appendChild(li);
          if (focusFirst === true) { a.focus(); focusFirst = false; }
        });
        state.shown += slice.length;
        more.hidden = state.shown >= found.results.length;
      });
    };
    var chip = function (kind, label, count) {
      var b = element('button', 'search-filter', label + ' ' + count);
      b.type = 'button';
      b.setAttribute('aria-pressed', state.kind === kind ? 'true' : 'false');
      b.setAttribute('data-kind', kind);
      b.addEventListener('click', function () { state.kind = kind; runPage(false, kind); });
      filters.appendChild(b);
    };
    var runPage = function (fromInput, focusKind) {
      var run = ++state.run;
      var url = 'search.html' + (state.query ? '?q=' + encodeURIComponent(state.query) : '') +
        (state.query && state.kind ? '&kind=' + state.kind : '');
      if (window.history && window.history.replaceState) {
        try { window.history.replaceState(null, '', url); } catch (ignored) { /* file:// in some browsers */ }
      }
      results.textContent = '';
      filters.textContent = '';
      more.hidden = true;
      if (!state.query.trim()) { summary.textContent = ''; return; }
      engine.search(state.query, { kind: state.kind }).then(function (found) {
        if (run !== state.run) return;
        if (state.kind && !found.counts[state.kind] && !fromInput) state.kind = '';
        state.found = found;
        state.shown = 0;
        if (found.total > 0) {
          chip('', text('all'), found.total);
          Object.keys(S.KINDS).map(function (c) { return S.KINDS[c]; }).forEach(function (kind) {
            if (found.counts[kind]) chip(kind, kindLabel(kind), found.counts[kind]);
          });
        }
        if (focusKind !== undefined) {
          // The pressed filter was rebuilt: give the focus back to it.
          var again = filters.querySelector('[data-kind="' + focusKind + '"]');
          if (again) again.focus();
        }
        summary.textContent = found.total === 0 ? text('no-results')
          : text('found') + ': ' + found.results.length + (found.complete ? '' : '. ' + text('partial'));
        return showMore();
      }).catch(function () { summary.textContent = text('unavailable'); });
    };
    more.addEventListener('click', function () { showMore(true); });
    pageInput.addEventListener('input', function () { state.query = pageInput.value; runPage(true); });
    pageBox.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      state.query = pageInput.value;
      runPage(true);
    });
    runPage(false);
  }

  /* ---- Highlighting the searched words on the page a result opened ---- */
  var wanted = new URLSearchParams(window.location.search).get('h');
  var main = document.getElementById('sb:main');
  if (wanted && main) {
    var words = wanted.split(/\s+/).filter(Boolean).slice(0, 60);
    var highlight = {
      forms: words.filter(function (w) { return !/\*$/.test(w); }).map(S.normalize),
      prefixes: words.filter(function (w) { return /\*$/.test(w); }).map(function (w) { return S.normalize(w.slice(0, -1)); })
        .filter(function (p) { return Array.from(p).length >= 2; }),
    };
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest('script, style, mark, textarea') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var pieces = S.marks(node.nodeValue, highlight);
      if (!pieces.some(function (p) { return p.hit; })) return;
      var fragment = document.createDocumentFragment();
      pieces.forEach(function (p) {
        if (p.hit) fragment.appendChild(element('mark', 'search-hit', p.text));
        else fragment.appendChild(document.createTextNode(p.text));
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }
})();
