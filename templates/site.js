/* Timeline site script: filters, search, keyboard navigation, shareable state,
   the embed snippet and the embed frame's height. Plain ES5-level DOM code, no
   framework, nothing fetched from another origin. Everything it adds is optional:
   the pages are complete without it. */
(function () {
  'use strict';
  var doc = document, root = doc.documentElement;
  var embedded = root.hasAttribute('data-embed');
  var query = new URLSearchParams(location.search);

  var theme = query.get('theme');
  if (theme === 'dark' || theme === 'light') root.setAttribute('data-theme', theme);

  setupEmbedBox();
  if (embedded) reportHeight();

  var list = doc.getElementById('events');
  if (!list) return;
  var items = [].slice.call(list.querySelectorAll('li.ev'));
  var sections = [].slice.call(list.querySelectorAll('section.year'));
  var entities = readEntities();
  var form = doc.getElementById('filters');
  var status = doc.getElementById('status');
  var fields = form ? {
    q: form.elements.q, person: form.elements.person, place: form.elements.place,
    org: form.elements.org, from: form.elements.from, to: form.elements.to
  } : null;
  var searchText = null, searchLoading = false, texts = {};
  // Name matching (fold): separators of words, and each entity's folded name.
  var separators = /[\s!-\/:-@\[-`{-~\u00a0\u2010-\u2015\u2018-\u201f\u2026]+/g, folded = [];

  if (fields) fillSelects();
  var state = readState();
  if (fields) {
    writeFields(state);
    form.hidden = false;
    form.addEventListener('input', onFormChange);
    form.addEventListener('change', onFormChange);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    form.addEventListener('reset', function () { setTimeout(onFormChange, 0); });
  }
  apply(state);
  doc.addEventListener('keydown', onKey);

  function readEntities() {
    var el = doc.getElementById('tl-entities');
    try { return JSON.parse(el.textContent) || []; } catch (e) { return []; }
  }

  function fillSelects() {
    ['person', 'place', 'org'].forEach(function (name) {
      var sel = fields[name], kind = sel.getAttribute('data-kind'), n = 0;
      entities.forEach(function (ent) {
        if (ent.kind !== kind) return;
        var o = doc.createElement('option');
        o.value = ent.name; o.textContent = ent.name + ' (' + ent.count + ')';
        sel.appendChild(o); n++;
      });
      if (!n) sel.parentNode.hidden = true;
    });
  }

  /* State lives in the query string for the embed (its options) and in the
     hash for the main page, so sharing the address shares the view and it works
     under file:// too. An event anchor (#e-ID) is left alone. */
  function readState() {
    var p = query, h = location.hash.slice(1);
    if (!embedded && h.indexOf('=') > 0) p = new URLSearchParams(h);
    var s = {};
    ['q', 'person', 'place', 'org', 'filter', 'from', 'to'].forEach(function (k) {
      var v = p.get(k); if (v) s[k] = v;
    });
    return s;
  }

  function writeFields(s) {
    Object.keys(fields).forEach(function (k) {
      if (!s[k]) return;
      fields[k].value = s[k];
      // A name typed into a shared address (#person=pashinyan) selects the
      // one entity it finds.
      if (fields[k].tagName === 'SELECT' && fields[k].value !== s[k]) {
        var found = matchEntities(s[k], fields[k].getAttribute('data-kind'));
        if (found.length === 1) fields[k].value = entities[found[0]].name;
      }
    });
  }

  function onFormChange() {
    var s = {};
    Object.keys(fields).forEach(function (k) {
      var v = fields[k].value.trim(); if (v) s[k] = v;
    });
    apply(s);
    var p = new URLSearchParams(s).toString();
    try {
      history.replaceState(null, '', p ? '#' + p : location.pathname + location.search);
    } catch (e) { /* some file:// browsers refuse; the view still filters */ }
  }

  /* A name as the filters compare it: lower case, accents dropped, words
     split at spaces and punctuation ("Nagorno-Karabakh" is "nagorno karabakh"). */
  function fold(name) {
    var s = name.toLowerCase();
    if (s.normalize) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    return ' ' + s.replace(separators, ' ').trim() + ' ';
  }

  /* The entities (indexes) a name given to a filter means: those of exactly
     that name; else of that name in any case; else those whose name holds it
     as whole words ("pashinyan" finds Nikol Pashinyan, "minsk" Minsk, not
     "minsker"). Of the given kind, if any. */
  function matchEntities(name, kind) {
    var want = fold(name), tiers = [[], [], []];
    if (want === '  ') return tiers[0];
    entities.forEach(function (ent, i) {
      if (kind && ent.kind !== kind) return;
      var f = folded[i] || (folded[i] = fold(ent.name));
      if (ent.name === name) tiers[0].push(i);
      else if (f === want) tiers[1].push(i);
      else if (f.indexOf(want) >= 0) tiers[2].push(i);
    });
    return tiers[0].length ? tiers[0] : tiers[1].length ? tiers[1] : tiers[2];
  }

  function apply(s) {
    var want = [];
    if (s.person) want.push(matchEntities(s.person, 'person'));
    if (s.place) want.push(matchEntities(s.place, 'place'));
    if (s.org) want.push(matchEntities(s.org, 'organisation'));
    if (s.filter) want.push(matchEntities(s.filter));
    var from = parseInt(s.from, 10), to = parseInt(s.to, 10);
    var words = (s.q || '').toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length && !searchText) loadSearch(s);
    var shown = 0;
    items.forEach(function (li) {
      // A range (data-y..data-y2) is shown when it overlaps the chosen years.
      var ok = true, y = parseInt(li.getAttribute('data-y'), 10);
      var y2 = parseInt(li.getAttribute('data-y2'), 10);
      if (isNaN(y2)) y2 = y;
      if (!isNaN(from) && !(y2 >= from)) ok = false;
      if (!isNaN(to) && !(y <= to)) ok = false;
      if (ok && want.length) {
        var refs = ' ' + (li.getAttribute('data-e') || '') + ' ';
        ok = want.every(function (any) {
          return any.some(function (i) { return refs.indexOf(' ' + i + ' ') >= 0; });
        });
      }
      if (ok && words.length) {
        var text = textOf(li);
        ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      }
      li.hidden = !ok;
      if (ok) shown++;
    });
    var active = want.length || words.length || !isNaN(from) || !isNaN(to);
    sections.forEach(function (sec) {
      var n = sec.querySelectorAll('li.ev:not([hidden])').length;
      sec.hidden = !n;
      // The year's count says how many of its events are shown ("1 of 6
      // events"), not the unfiltered total next to fewer rows.
      var count = sec.querySelector('.count');
      if (!count) return;
      if (!count.hasAttribute('data-all')) count.setAttribute('data-all', count.textContent);
      var all = count.getAttribute('data-all');
      count.textContent = active && n < sec.querySelectorAll('li.ev').length ? n + ' of ' + all : all;
    });
    if (status) status.textContent = active ? shown + ' of ' + items.length + ' events shown.' : '';
    if (embedded) reportHeight();
  }

  /* Search covers titles and source sentences, lower-cased once per event. */
  function textOf(li) {
    var id = li.id.slice(2), t = texts[id];
    if (t === undefined) {
      var title = li.querySelector('a.title');
      t = ((title ? title.textContent : '') + ' ' + (searchText && searchText[id] || '')).toLowerCase();
      if (searchText) texts[id] = t;
    }
    return t;
  }

  /* Sentences are searched too; they live in search.js, loaded on the first
     search so the timeline page stays small. A script tag works under file://. */
  function loadSearch(s) {
    if (searchLoading) return;
    searchLoading = true;
    var el = doc.createElement('script');
    // A large timeline's pages each load the shard of their own events.
    el.src = (root.getAttribute('data-root') || '') + (list.getAttribute('data-search') || 'search.js');
    el.onload = function () { searchText = window.timelineSearch || {}; apply(fields ? currentFields() : s); };
    doc.head.appendChild(el);
  }

  function currentFields() {
    var s = {};
    Object.keys(fields).forEach(function (k) { var v = fields[k].value.trim(); if (v) s[k] = v; });
    return s;
  }

  /* j/k and the arrows move between events only while the focus is on an
     event (Tab reaches the first one): single-letter shortcuts that worked
     anywhere on the page would fire on words spoken to speech-input software
     (WCAG 2.1.4, Character Key Shortcuts). */
  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    var here = t && t.closest ? t.closest('li.ev') : null, dir = 0;
    if (!here || !list.contains(here)) return;
    if (e.key === 'j' || e.key === 'ArrowDown') dir = 1;
    else if (e.key === 'k' || e.key === 'ArrowUp') dir = -1;
    if (!dir) return;
    var visible = items.filter(function (li) { return !li.hidden && !li.parentNode.parentNode.hidden; });
    var i = visible.indexOf(here), next = i < 0 ? (dir > 0 ? 0 : visible.length - 1) : i + dir;
    if (next < 0 || next >= visible.length) return;
    e.preventDefault();
    if (here) here.classList.remove('current');
    visible[next].classList.add('current');
    visible[next].querySelector('a.title').focus();
  }

  function setupEmbedBox() {
    var box = doc.getElementById('embed-code'), btn = doc.getElementById('copy-embed');
    if (!box || !btn) return;
    if (/^https?:/.test(location.protocol) && box.value.indexOf('src="http') < 0) {
      var url = new URL(box.getAttribute('data-embed-path'), location.href).href;
      box.value = box.value.replace(/src="[^"]*"/, 'src="' + url + '"');
    }
    btn.addEventListener('click', function () {
      var done = function () { doc.getElementById('copy-status').textContent = 'Copied.'; };
      box.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () { if (doc.execCommand('copy')) done(); });
      } else if (doc.execCommand('copy')) done();
    });
  }

  /* The host page resizes the frame on {type: "timeline-height"} messages. */
  function reportHeight() {
    if (window.parent === window) return;
    var send = function () {
      // The content's own height, not scrollHeight, which never drops below the
      // frame's current height and so would never let the frame shrink.
      var h = Math.ceil(doc.documentElement.getBoundingClientRect().height);
      window.parent.postMessage({ type: 'timeline-height', height: h }, '*');
    };
    if (!reportHeight.watching) {
      reportHeight.watching = true;
      window.addEventListener('load', send);
      if (window.ResizeObserver) new ResizeObserver(send).observe(doc.body);
    }
    send();
  }
})();
