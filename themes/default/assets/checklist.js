/* servicebook: the mystery-shopper checklist, filled in on screen. Without this script the page
   is the paper form. With it, each check gets yes / no / n.a. buttons and a note, the visit's
   fields appear above the table, everything is kept in this browser (localStorage, per journey)
   and «Download» saves the visit as a Markdown file that `servicebook check` accepts as it is. */
(function () {
  'use strict';
  var form = document.querySelector('form.visit-form');
  if (!form) return;
  var journey = form.getAttribute('data-journey');
  var storageKey = 'servicebook:visit:' + journey;
  var status = form.querySelector('.form-status');
  var values = ['yes', 'no', 'na'];
  var rows = Array.prototype.slice.call(document.querySelectorAll('.checklist tr[data-ref]'));
  var storage = null;
  try { storage = window.localStorage; } catch (e) { storage = null; }

  // Each check: three radio buttons in place of the paper boxes, and a note.
  rows.forEach(function (row) {
    var ref = row.getAttribute('data-ref');
    var table = row.closest('table');
    var heads = table ? table.querySelectorAll('thead th.box') : [];
    var text = row.children[1] ? row.children[1].textContent.trim() : ref;
    var boxes = row.querySelectorAll('td.box');
    values.forEach(function (value, i) {
      if (!boxes[i]) return;
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = 'answer:' + ref;
      input.value = value;
      input.setAttribute('aria-label', (heads[i] ? heads[i].textContent.trim() + ' — ' : '') + text);
      while (boxes[i].firstChild) boxes[i].removeChild(boxes[i].firstChild);
      boxes[i].appendChild(input);
    });
    var note = document.createElement('input');
    note.type = 'text';
    note.className = 'note-input';
    note.name = 'note:' + ref;
    note.placeholder = form.getAttribute('data-note') || '';
    note.setAttribute('aria-label', (form.getAttribute('data-note') || 'Note') + ' — ' + text);
    if (row.children[1]) row.children[1].appendChild(note);
  });
  form.hidden = false;

  function field(name) { return form.elements[name] ? form.elements[name].value.trim() : ''; }

  function collect() {
    var state = { fields: {}, answers: {}, notes: {} };
    ['date', 'department', 'employee', 'auditor', 'channel', 'nps', 'account'].forEach(function (name) {
      if (form.elements[name]) state.fields[name] = form.elements[name].value;
    });
    rows.forEach(function (row) {
      var ref = row.getAttribute('data-ref');
      var checked = row.querySelector('input[type=radio]:checked');
      if (checked) state.answers[ref] = checked.value;
      var note = row.querySelector('input.note-input');
      if (note && note.value.trim()) state.notes[ref] = note.value;
    });
    return state;
  }

  function restore(state) {
    Object.keys(state.fields || {}).forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = state.fields[name];
    });
    rows.forEach(function (row) {
      var ref = row.getAttribute('data-ref');
      var answer = (state.answers || {})[ref];
      row.querySelectorAll('input[type=radio]').forEach(function (input) { input.checked = input.value === answer; });
      var note = row.querySelector('input.note-input');
      if (note) note.value = (state.notes || {})[ref] || '';
    });
  }

  function save() {
    if (!storage) return;
    try {
      storage.setItem(storageKey, JSON.stringify(collect()));
      if (status) status.textContent = form.getAttribute('data-saved') || '';
    } catch (e) { /* storage full or refused: the form still works */ }
  }

  if (storage) {
    try { var saved = JSON.parse(storage.getItem(storageKey) || 'null'); if (saved) restore(saved); } catch (e) { /* ignore */ }
  }
  document.addEventListener('change', function (event) {
    if (form.contains(event.target) || event.target.closest('.checklist')) save();
  });
  document.addEventListener('input', function (event) {
    if (form.contains(event.target) || event.target.closest('.checklist')) save();
  });

  /* A YAML double-quoted scalar: JSON's string syntax is one. */
  function quoted(text) { return JSON.stringify(text); }

  /* The visit as the Markdown file `check` reads (SPEC §10.2). */
  function visitFile(state) {
    var f = state.fields, lines = ['---'];
    lines.push('date: ' + f.date);
    lines.push('journey: ' + journey);
    lines.push('department: ' + f.department);
    if (f.employee) lines.push('employee: ' + f.employee);
    if (f.auditor && f.auditor.trim()) lines.push('auditor: ' + quoted(f.auditor.trim()));
    if (f.channel) lines.push('channel: ' + f.channel);
    if (f.nps !== undefined && f.nps !== '') lines.push('nps: ' + Math.round(Number(f.nps)));
    lines.push('results:');
    var refs = Object.keys(state.answers);
    if (refs.length === 0) lines[lines.length - 1] = 'results: {}';
    rows.forEach(function (row) {
      var ref = row.getAttribute('data-ref');
      if (state.answers[ref]) lines.push('  ' + ref + ': ' + state.answers[ref]);
    });
    var notes = rows.map(function (row) { return row.getAttribute('data-ref'); }).filter(function (ref) { return state.notes[ref]; });
    if (notes.length) {
      lines.push('notes:');
      notes.forEach(function (ref) { lines.push('  ' + ref + ': ' + quoted(state.notes[ref].trim())); });
    }
    lines.push('---');
    var account = (f.account || '').trim();
    return lines.join('\n') + '\n' + (account ? account + '\n' : '');
  }

  function download() {
    var state = collect();
    var missing = ['date', 'department'].filter(function (name) { return !field(name); });
    if (field('date') && !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(field('date'))) missing.unshift('date');
    var nps = field('nps');
    if (nps && !/^(10|[0-9])$/.test(nps)) missing.push('nps');
    if (missing.length) {
      var first = form.elements[missing[0]];
      if (first) { first.focus(); if (first.reportValidity) first.reportValidity(); }
      return null;
    }
    var now = new Date();
    var name = state.fields.department + '-' + state.fields.date + '-' +
      ('0' + now.getHours()).slice(-2) + ('0' + now.getMinutes()).slice(-2) + '.md';
    var text = visitFile(state);
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    return text;
  }

  form.addEventListener('click', function (event) {
    var action = event.target.getAttribute && event.target.getAttribute('data-action');
    if (action === 'download') download();
    if (action === 'clear') {
      if (storage) storage.removeItem(storageKey);
      restore({ fields: { date: '', department: '', employee: '', auditor: '', channel: '', nps: '', account: '' } });
      if (status) status.textContent = '';
    }
  });
  form.addEventListener('submit', function (event) { event.preventDefault(); });

  // For tests and tools: the file the form would download now.
  window.servicebookVisit = { file: function () { return visitFile(collect()); }, download: download };
})();
