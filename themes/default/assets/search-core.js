/* servicebook search: the query engine. No DOM here: the page (search.js) and the tests
   (node --test) run the same code. The index is written by Sources/BookSearch; the rules for
   words below must match SearchText.swift. The browser never stems: it finds the typed word in
   the shipped vocabulary (exactly, as a prefix, or with one typo) and takes the stems from there. */
(function (root) {
  'use strict';

  var DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var DIGIT_VALUE = {};
  for (var i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
  var KINDS = { J: 'journey', S: 'step', I: 'situation', R: 'role', D: 'standard', C: 'script', T: 'term', P: 'page' };
  var QUANTUM = 4, K1 = 1.2, MAX_WORD = 40;
  // A stem in the title counts TITLE_BONUS times; the typed form itself EXACT_BONUS times more,
  // EXACT_TITLE_BONUS when it is the form in the title.
  var TITLE_BONUS = 1.3, EXACT_BONUS = 1.05, EXACT_TITLE_BONUS = 1.15, OPTIONAL_WEIGHT = 0.3, PREFIX_WEIGHT = 0.85, TYPO_WEIGHT = 0.7;
  // An unfinished word stands for at most this many stems, the most frequent first, and at most
  // MAX_FILES of them may need a postings file of their own.
  var MAX_COMPLETIONS = 8, MAX_FILES = 3;
  // Forms of one query word to highlight (the most frequent forms of its stems come first).
  var MAX_HIGHLIGHT = 16;
  // Words too common to require, and the words that frame a question («что сказать, если…»,
  // «как ответить»): a query still matches a page that lacks them, which rank lower.
  var STOP = new Set(('сказать ответить делать сделать говорить поступить нужно ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне ' +
    'было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь ' +
    'опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб ' +
    'без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один ' +
    'почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над ' +
    'больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда ' +
    'лучше чуть том нельзя такой им более всегда конечно всю между ' +
    'a an and are as at be by for from how i in is it of on or that the this to was what when where who why with')
    .split(' '));

  var WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
  // A word, or words joined by single hyphens («тест-драйв»).
  var WORD_RUN = /[\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+)*/gu;

  /* NFC, lower case, ё → е, final ς → σ, stress marks (U+0300, U+0301) removed. */
  function normalize(text) {
    return String(text).normalize('NFC').toLowerCase().replace(/ё/g, 'е').replace(/ς/g, 'σ').replace(/[\u0300\u0301]/g, '');
  }

  function length(word) { var n = 0; for (var _ of word) n++; return n; }

  /* The words of normalised text as the index has them: each part, then the whole compound. */
  function words(normalized) {
    var out = [];
    var m;
    WORD_RUN.lastIndex = 0;
    while ((m = WORD_RUN.exec(normalized))) {
      var parts = m[0].split('-');
      for (var p = 0; p < parts.length; p++) if (length(parts[p]) <= MAX_WORD) out.push(parts[p]);
      if (parts.length > 1 && length(m[0]) <= MAX_WORD) out.push(m[0]);
    }
    return out;
  }

  function shardKey(word) { return Array.from(word).slice(0, 2).join(''); }
  function shardFile(key) {
    return Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join('-');
  }

  /* Postings text → [page, tf~, forms, titleForm, ...] (see SearchIndex.swift). Per page: the
     gap from the previous page; the quantised tf~ times two plus a title flag; and, when the stem
     has several forms, the mask of the forms the page has (bit i: form i) and, after a title
     hit, 1 + the form in the title. `forms` is 1 and `titleForm` 0 or -1 for a one-form stem. */
  function decode(text, masked) {
    var out = [], numbers = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT_VALUE[text.charCodeAt(i)];
      if (d >= 32) { value += (d - 32) * Math.pow(2, shift); shift += 5; continue; }
      numbers.push(value + d * Math.pow(2, shift));
      value = 0; shift = 0;
    }
    var page = 0;
    for (var j = 0; j < numbers.length;) {
      page += numbers[j++];
      var q = numbers[j++], title = q % 2 === 1;
      out.push(page, Math.exp(Math.floor(q / 2) / QUANTUM) - 1);
      if (!masked) { out.push(1, title ? 0 : -1); continue; }
      out.push(numbers[j++]);
      out.push(title ? numbers[j++] - 1 : -1);
    }
    return out;
  }

  /* Damerau–Levenshtein distance is at most one. */
  function withinOneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;                       // substitution
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1); // deletion / insertion
  }

  /* A query: its terms, each a word or a hyphenated compound; `prefix` when it may be unfinished. */
  function parseQuery(query) {
    var text = normalize(query);
    var terms = [], m;
    WORD_RUN.lastIndex = 0;
    while ((m = WORD_RUN.exec(text))) {
      if (length(m[0]) <= MAX_WORD) { terms.push({ text: m[0], end: m.index + m[0].length }); continue; }
      // A compound too long to be a word of the index: its parts are.
      var at = m.index;
      m[0].split('-').forEach(function (part) {
        if (length(part) <= MAX_WORD) terms.push({ text: part, end: at + part.length });
        at += part.length + 1;
      });
    }
    var typing = terms.length > 0 && (terms[terms.length - 1].end === text.length ||
      /^-+$/.test(text.slice(terms[terms.length - 1].end)));
    return terms.map(function (t, i) {
      return { text: t.text, prefix: typing && i === terms.length - 1, optional: STOP.has(t.text) };
    });
  }

  /* The engine over an index. `load(path)` (path relative to the index folder, `index.js`,
     `w/43a-43b.js`, `d/7.js`) returns a promise of the data the file passes to __sb. */
  function Engine(load) {
    this.load = load;
    this.cache = new Map();
  }

  Engine.prototype.file = function (path) {
    var cache = this.cache, known = cache.get(path);
    if (!known) {
      known = Promise.resolve(this.load(path)).then(function (data) {
        if (data === null || data === undefined) cache.delete(path);      // a failed load is tried again
        return data;
      });
      cache.set(path, known);
    }
    return known;
  };

  Engine.prototype.manifest = function () {
    return this.file('index.js').then(function (m) {
      if (!m) throw new Error('search index not found');
      if (!m.shardSet) {
        m.shardSet = new Set(m.shards ? m.shards.split(' ') : []);
        m.kindOf = m.kinds.replace(/([A-Z])(\d+)/g, function (_, k, n) { return k.repeat(Number(n)); });
      }
      return m;
    });
  };

  /* A shard, parsed once: stem → forms with their postings text; aliases (form → stem). */
  Engine.prototype.shard = function (key) {
    var self = this;
    return this.manifest().then(function (m) {
      if (!m.shardSet.has(key)) return null;
      return self.file('w/' + shardFile(key) + '.js').then(function (data) {
        if (!data) return null;
        if (!data.stems) {
          data.stems = new Map();
          data.forms = [];                                   // [form, stem]
          for (var g = 0; g < data.g.length; g++) {
            var group = data.g[g], stem = group[0], forms = [];
            for (var j = 3; j < group.length; j++) {
              var written = group[j];
              var form = written.charAt(0) === '=' ? written.slice(1) : stem + written;
              forms.push(form);
              data.forms.push([form, stem]);
            }
            data.stems.set(stem, { stem: stem, pages: group[1], postings: group[2], forms: forms });
          }
          for (var alias in data.a) data.forms.push([alias, data.a[alias]]);
        }
        return data;
      });
    });
  };

  /* A stem's entry: {stem, pages, postings (text, or 0 when in a file of its own), forms}. */
  Engine.prototype.stemEntry = function (stem) {
    return this.shard(shardKey(stem)).then(function (s) { return (s && s.stems.get(stem)) || null; });
  };

  Engine.prototype.postings = function (entry) {
    if (typeof entry.postings === 'string') return Promise.resolve(entry.postings);
    return this.file('p/' + shardFile(entry.stem) + '.js').then(function (text) { return text || ''; });
  };

  /* The stems a term stands for, each with a weight: the exact form 1, completions of an
     unfinished word PREFIX_WEIGHT, one typo (words of five letters or more) TYPO_WEIGHT. */
  Engine.prototype.expand = function (term) {
    var self = this, text = term.text, key = shardKey(text);
    return this.shard(key).then(function (shard) {
      var stems = new Map(), exact = false;
      var forms = shard ? shard.forms : [];
      function add(stem, weight) { if ((stems.get(stem) || 0) < weight) stems.set(stem, weight); }
      for (var i = 0; i < forms.length; i++) if (forms[i][0] === text) { add(forms[i][1], 1); exact = true; }
      if ((term.prefix || !exact) && length(text) >= 2) {
        var seen = new Set(), candidates = [];
        forms.forEach(function (f) {
          if (f[0] !== text && f[0].startsWith(text) && !seen.has(f[1])) { seen.add(f[1]); candidates.push(f[1]); }
        });
        var entry = function (stem) { return shard.stems.get(stem) || { pages: 0, postings: 0 }; };
        candidates.sort(function (a, b) { return entry(b).pages - entry(a).pages || (a < b ? -1 : 1); });
        var files = 0, taken = 0;
        candidates.forEach(function (stem) {
          if (taken >= MAX_COMPLETIONS || stems.has(stem)) return;
          if (typeof entry(stem).postings !== 'string') { if (files >= MAX_FILES) return; files++; }
          taken++;
          add(stem, PREFIX_WEIGHT);
        });
      }
      if (stems.size === 0 && length(text) >= 5) {
        forms.forEach(function (f) { if (withinOneEdit(f[0], text)) add(f[1], TYPO_WEIGHT); });
      }
      return { term: term, stems: stems, exact: exact };
    }).then(function (found) {
      // A compound nobody wrote («тест-драйвом» typed as «тест драйв»): its parts, all required.
      if (found.stems.size === 0 && text.indexOf('-') > 0) {
        var parts = text.split('-').filter(Boolean);
        return Promise.all(parts.map(function (p, i) {
          return self.expand({ text: p, prefix: term.prefix && i === parts.length - 1, optional: false });
        }));
      }
      return [found];
    });
  };

  /* Scores of one expanded term: page → score; the pages that have it in their title; and the
     forms to highlight. */
  Engine.prototype.scoreTerm = function (found, n) {
    var self = this, stems = Array.from(found.stems.keys()).sort();
    return Promise.all(stems.map(function (s) {
      return self.stemEntry(s).then(function (entry) {
        return entry ? self.postings(entry).then(function (text) { return { entry: entry, text: text }; }) : null;
      });
    })).then(function (loaded) {
      var scores = new Map(), titles = new Set(), forms = [];
      loaded.forEach(function (item, index) {
        if (!item) return;
        var entry = item.entry, weight = found.stems.get(stems[index]);
        forms.push.apply(forms, entry.forms);
        var exact = entry.forms.indexOf(found.term.text);
        var exactMask = exact >= 0 && exact < 30 ? Math.pow(2, exact) : 0;
        var p = decode(item.text, entry.forms.length > 1);
        var df = p.length / 4, idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (var i = 0; i < p.length; i += 4) {
          var f = p[i + 1], score = weight * idf * f * (K1 + 1) / (f + K1);
          if (p[i + 3] >= 0) { score *= TITLE_BONUS; titles.add(p[i]); }
          if (exactMask && Math.floor(p[i + 2] / exactMask) % 2 === 1) {
            score *= p[i + 3] === exact ? EXACT_TITLE_BONUS : EXACT_BONUS;
          }
          var old = scores.get(p[i]);
          if (old === undefined || score > old) scores.set(p[i], score);
        }
      });
      // The typed form first, so that it is among the forms highlighted.
      var typed = forms.indexOf(found.term.text);
      if (typed > 0) forms.unshift(forms.splice(typed, 1)[0]);
      return { scores: scores, titles: titles, forms: forms };
    });
  };

  /* Runs a query. Result: {results: [{page, kind, score}], total, counts (per kind), highlight}.
     The pages shown have the most required terms any page has, or all but one of them when two
     or more are in the page's title. Pages with two or more of the words in their title come
     first (the more, the earlier): «Негативный отзыв в интернете» above a long page that has
     «плохой», «отзыв» and «интернет» somewhere in its text. Then the higher score; ties go to
     the earlier page. `options.kind` filters by kind. */
  Engine.prototype.search = function (query, options) {
    var self = this, terms = parseQuery(query);
    options = options || {};
    return this.manifest().then(function (m) {
      if (terms.length === 0) return { results: [], total: 0, counts: {}, highlight: { forms: [], prefixes: [] } };
      if (terms.every(function (t) { return t.optional; })) terms.forEach(function (t) { t.optional = false; });
      return Promise.all(terms.map(function (t) { return self.expand(t); })).then(function (expanded) {
        var flat = [].concat.apply([], expanded);
        return Promise.all(flat.map(function (f) { return self.scoreTerm(f, m.n); })).then(function (scored) {
          var pages = new Map(), required = 0, forms = new Set(), prefixes = [];
          flat.forEach(function (f, t) {
            var isRequired = !f.term.optional;
            if (isRequired) required++;
            scored[t].forms.slice(0, MAX_HIGHLIGHT).forEach(function (x) { forms.add(x); });
            if (f.term.prefix && length(f.term.text) >= 2) prefixes.push(f.term.text);
            scored[t].scores.forEach(function (score, page) {
              var entry = pages.get(page);
              if (!entry) { entry = { page: page, score: 0, matched: 0, titled: 0 }; pages.set(page, entry); }
              entry.score += isRequired ? score : score * OPTIONAL_WEIGHT;
              if (isRequired) {
                entry.matched++;
                if (scored[t].titles.has(page)) entry.titled++;
              }
            });
          });
          var all = Array.from(pages.values());
          var best = all.reduce(function (b, e) { return Math.max(b, e.matched); }, 0);
          // Two or more of the words in a page's title put it first (and show it, though it has
          // one word fewer than the pages with the most).
          var inTitle = function (e) { return e.titled >= 2 ? e.titled : 0; };
          if (required > 0) {
            all = all.filter(function (e) {
              return best > 0 && (e.matched === best || inTitle(e) >= Math.max(2, best - 1));
            });
          }
          all.forEach(function (e) { e.kind = KINDS[m.kindOf.charAt(e.page)]; e.score = Math.round(e.score * 1e6) / 1e6; });
          all.sort(function (a, b) { return inTitle(b) - inTitle(a) || b.score - a.score || a.page - b.page; });
          var counts = {};
          all.forEach(function (e) { counts[e.kind] = (counts[e.kind] || 0) + 1; });
          var results = options.kind ? all.filter(function (e) { return e.kind === options.kind; }) : all;
          return {
            results: results, total: all.length, counts: counts, complete: best === required,
            highlight: { forms: Array.from(forms).sort(), prefixes: prefixes },
          };
        });
      });
    });
  };

  /* A page's title, URL, kind, breadcrumb, role and text: {u, t, k, c, r, x}. Its file holds the
     JSON zlib-compressed, in base64. */
  Engine.prototype.doc = function (page) {
    var key = 'doc:' + page, known = this.cache.get(key);
    if (!known) {
      known = this.file('d/' + page + '.js').then(function (packed) { return packed ? inflate(packed) : null; });
      this.cache.set(key, known);
    }
    return known;
  };

  function inflate(base64) {
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).text().then(JSON.parse);
  }

  /* Splits text into [{text, hit}] pieces, hits being words in `highlight` (a form, or a word
     that starts with an unfinished query word). */
  function marks(text, highlight) {
    var forms = highlight.forms instanceof Set ? highlight.forms : new Set(highlight.forms);
    var prefixes = highlight.prefixes || [];
    function hit(word) {
      var w = normalize(word);
      if (forms.has(w)) return true;
      for (var i = 0; i < prefixes.length; i++) if (w.startsWith(prefixes[i])) return true;
      return false;
    }
    var out = [], last = 0, m;
    var run = new RegExp(WORD_RUN.source, 'gu');
    while ((m = run.exec(text))) {
      var ranges = [];
      if (m[0].indexOf('-') > 0 && hit(m[0])) ranges.push([m.index, m.index + m[0].length]);
      else {
        var at = m.index;
        m[0].split('-').forEach(function (part) {
          if (part && hit(part)) ranges.push([at, at + part.length]);
          at += part.length + 1;
        });
      }
      ranges.forEach(function (r) {
        if (r[0] > last) out.push({ text: text.slice(last, r[0]), hit: false });
        out.push({ text: text.slice(r[0], r[1]), hit: true });
        last = r[1];
      });
    }
    if (last < text.length) out.push({ text: text.slice(last), hit: false });
    return out;
  }

  /* A snippet of about `size` characters around the place with the most distinct matched
     words, as pieces for `marks`. */
  function snippet(text, highlight, size) {
    size = size || 180;
    text = String(text || '').replace(/\s+/g, ' ').trim();
    var pieces = marks(text, highlight), hits = [], at = 0;
    pieces.forEach(function (p) { if (p.hit) hits.push({ at: at, word: normalize(p.text) }); at += p.text.length; });
    var start = 0;
    if (hits.length) {
      var best = -1;
      for (var i = 0; i < hits.length; i++) {
        var seen = new Set();
        for (var j = i; j < hits.length && hits[j].at < hits[i].at + size - 40; j++) seen.add(hits[j].word);
        if (seen.size > best) { best = seen.size; start = hits[i].at; }
      }
      start = Math.max(0, start - 40);
      if (start > 0) { var space = text.lastIndexOf(' ', start); start = space > 0 ? space + 1 : start; }
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) { var cut = text.lastIndexOf(' ', end); if (cut > start + size / 2) end = cut; }
    // Never cut a character in two (a surrogate pair).
    if (/[\udc00-\udfff]/.test(text.charAt(start))) start++;
    if (end < text.length && /[\udc00-\udfff]/.test(text.charAt(end))) end--;
    var piece = (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : '');
    return marks(piece, highlight);
  }

  var api = {
    normalize: normalize, words: words, parseQuery: parseQuery, shardKey: shardKey, shardFile: shardFile,
    decode: decode, withinOneEdit: withinOneEdit, Engine: Engine, marks: marks, snippet: snippet, KINDS: KINDS,
    WORD_CHAR: WORD_CHAR,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ServicebookSearch = api;
})(typeof self !== 'undefined' ? self : this);
