// The review page of one draft. Every decision stays in this page until Save, which sends
// them all at once; the server validates, writes and checks, and answers with the draft as
// saved and the problems of its checks. Nothing is loaded from anywhere but this server.
"use strict";
(function () {
  var token = document.querySelector('meta[name="review-token"]').content;
  // The token leaves the address bar (and the history) once the page has it.
  window.history.replaceState(null, "", "/");

  var CLASS_OF_LABEL = { PERSON: "person", ORGANIZATION: "organization", DIRECTIVE: "directive",
    MEETING: "meeting", LOCATION: "location", POST: "organization" };
  var ROLES = [], ORGANIZATION_KINDS = [];
  var state = null, cps = [], items = [], added = [], current = 0, undo = [], problems = [];
  var selection = null, searchMode = null;
  var $ = function (id) { return document.getElementById(id); };

  // Must fold as the explorer's search does (search_index.fold): accents, đ, case, spaces.
  function fold(text) {
    return text.replace(/[đĐðÐƉ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[\u2010\u2011]/g, "-").split(/\s+/).filter(Boolean).join(" ");
  }
  function slug(text) { return fold(text).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""); }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function load(given) {
    state = given;
    ROLES = state.roles;
    ORGANIZATION_KINDS = state.organization_kinds;
    cps = Array.from(state.text);
    items = state.items.map(function (item) {
      return { id: item.id, group: item.group, label: item.label, spans: item.spans,
        data: item.data, proposed: item.proposed,
        edit: { action: item.proposed ? "pending" : "accept" } };
    });
    added = [];
    undo = [];
    selection = null;
    $("selection-bar").hidden = true;
    current = Math.max(0, items.findIndex(function (item) { return item.proposed; }));
    render();
  }

  function all() { return items.concat(added); }
  function remember() {
    undo.push(JSON.stringify({ edits: items.map(function (i) { return i.edit; }),
      added: added, current: current }));
  }
  function back() {
    if (!undo.length) { return; }
    var earlier = JSON.parse(undo.pop());
    items.forEach(function (item, index) { item.edit = earlier.edits[index]; });
    added = earlier.added;
    current = earlier.current;
    render();
  }

  function words(span) { return cps.slice(span[0], span[1]).join(""); }
  function spansOf(item) {
    if (item.edit.span && item.edit.all) { return everywhere(words([item.edit.span.start, item.edit.span.end])); }
    if (item.edit.span) { return [[item.edit.span.start, item.edit.span.end]]; }
    return item.spans || [];
  }
  function everywhere(quote) {
    var found = [], at = state.text.indexOf(quote);
    while (at >= 0) {
      var start = Array.from(state.text.slice(0, at)).length;
      found.push([start, start + Array.from(quote).length]);
      at = state.text.indexOf(quote, at + 1);
    }
    return found;
  }
  function labelOf(item) {
    var edit = item.edit;
    if (edit.label === "LOCATION") { return "LOCATION"; }
    if (edit.entity) { return state.labels[edit.entity] || "UNKNOWN"; }
    if (edit.kind) { return edit.kind === "location" ? "LOCATION" : edit.kind.toUpperCase(); }
    return item.label;
  }
  function classOf(item) {
    if (item.group === "boilerplate") { return "bp"; }
    var label = labelOf(item);
    return CLASS_OF_LABEL[label] ? "m " + CLASS_OF_LABEL[label] : "q";
  }
  function entryOf(item) {
    if (item.edit.entry) { return item.edit.entry; }
    return item.data && item.data.entry ? item.data.entry : null;
  }
  function setEntry(item, entry) { item.edit.entry = entry; }
  function describe(item) {
    var edit = item.edit, entry = entryOf(item);
    if (edit.entity) { return "→ " + edit.entity; }
    if (item.group === "mentions") { return item.data.entity ? "→ " + item.data.entity : "place"; }
    if (entry) { return "new " + (edit.kind || item.data.kind) + " " + entry.id; }
    if (item.data && item.data.person) { return "→ " + item.data.person; }
    if (item.data && item.data.kind) { return item.data.kind; }
    return "";
  }

  // The text with every span drawn: each run of text between two span ends is wrapped in the
  // spans that cover it, outermost first, so nested and crossing spans both show.
  function renderText() {
    var marks = [];
    all().forEach(function (item, index) {
      if (item.edit.action === "reject") { return; }
      spansOf(item).forEach(function (span) {
        marks.push({ start: span[0], end: span[1], index: index, item: item });
      });
    });
    var chosen = all()[current];
    var entry = chosen && chosen.edit.action !== "reject" ? entryOf(chosen) : null;
    if (entry) {
      // The words the current entry's fields rest on, as the explorer underlines evidence.
      var quotes = (entry.evidence || []).slice();
      (entry.participants || []).forEach(function (p) { quotes = quotes.concat(p.evidence || []); });
      quotes.forEach(function (evidence) {
        var at = state.text.indexOf(evidence.quote);
        if (at < 0) { return; }
        var start = Array.from(state.text.slice(0, at)).length;
        marks.push({ start: start, end: start + Array.from(evidence.quote).length, index: -1,
          item: { id: chosen.id, group: "evidence", label: "EVIDENCE", edit: { action: "accept" } } });
      });
    }
    var cuts = [0, cps.length];
    marks.forEach(function (m) { cuts.push(m.start, m.end); });
    cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
    var box = $("text");
    box.textContent = "";
    var wrongItems = {};
    problems.forEach(function (p) { if (p.item) { wrongItems[p.item] = true; } });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      var covering = marks.filter(function (m) { return m.start <= a && m.end >= b; });
      covering.sort(function (x, y) { return x.start - y.start || y.end - x.end || x.index - y.index; });
      var node = document.createTextNode(cps.slice(a, b).join(""));
      for (var j = covering.length - 1; j >= 0; j--) {
        var m = covering[j];
        var el = document.createElement(classOf(m.item) === "q" ? "mark" : "span");
        el.className = classOf(m.item) + (m.item.edit.action === "pending" ? " pending" : "") +
          (m.index === current ? " current" : "") + (wrongItems[m.item.id] ? " wrong" : "");
        el.dataset.item = m.item.id;
        el.appendChild(node);
        node = el;
      }
      box.appendChild(node);
    }
  }

  function renderList() {
    var list = $("items");
    list.textContent = "";
    all().forEach(function (item, index) {
      var li = document.createElement("li");
      li.className = "item " + item.edit.action + (index === current ? " current" : "");
      li.dataset.item = item.id;
      var tag = document.createElement("span");
      tag.className = "tag " + (CLASS_OF_LABEL[labelOf(item)] || item.group);
      tag.textContent = labelOf(item);
      var quote = document.createElement("span");
      quote.className = "words";
      var spans = spansOf(item);
      quote.textContent = spans.length ? words(spans[0]) : (item.data && item.data.quote) || item.group;
      var what = document.createElement("span");
      what.className = "what";
      what.textContent = describe(item);
      var status = document.createElement("span");
      status.className = "status";
      status.textContent = item.edit.action === "pending" ? "to review" :
        item.edit.action === "accept" ? "accepted" : "rejected";
      li.append(tag, quote, what, status);
      li.addEventListener("click", function () { current = index; render(); });
      list.appendChild(li);
    });
    var counts = { pending: 0, accept: 0, reject: 0 };
    all().forEach(function (item) { counts[item.edit.action] += 1; });
    $("counts").textContent = counts.pending + " to review · " + counts.accept + " accepted · " +
      counts.reject + " rejected" + (undo.length ? " · unsaved changes" : "");
  }

  function field(label, input) {
    var row = document.createElement("label");
    row.className = "field";
    row.append(label + " ", input);
    return row;
  }
  function button(text, id, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (id) { b.id = id; }
    b.addEventListener("click", action);
    return b;
  }
  function textInput(id, value, change) {
    var input = document.createElement("input");
    input.id = id;
    input.value = value == null ? "" : value;
    input.addEventListener("change", function () { remember(); change(input.value.trim()); render(); });
    return input;
  }

  function renderDetail() {
    var box = $("detail");
    box.textContent = "";
    var item = all()[current];
    if (!item) { return; }
    var head = document.createElement("h2");
    head.textContent = item.id + " · " + labelOf(item);
    box.appendChild(head);
    var row = document.createElement("p");
    row.append(button("Accept (a)", "accept", function () { decide("accept"); }),
      button("Reject (x)", "reject", function () { decide("reject"); }));
    if (item.group === "mentions" || item.group === "proposals" || item.id.indexOf("added.") === 0) {
      row.append(button("Link to a registered entry…", "link", function () { openSearch("current"); }));
    }
    box.appendChild(row);
    if (item.group === "mentions") {
      box.appendChild(labelChoice(item, ["entity", "LOCATION"]));
    }
    if (item.group === "proposals" || (item.edit.kind && !item.edit.entity)) {
      proposalFields(item, box);
    }
    problems.filter(function (p) { return p.item === item.id; }).forEach(function (p) {
      var note = document.createElement("p");
      note.className = "problem";
      note.textContent = (p.field ? p.field + ": " : "") + p.message + " (fix: " + p.hint + ")";
      box.appendChild(note);
    });
  }

  function labelChoice(item) {
    var select = document.createElement("select");
    select.id = "mention-label";
    [["", "as drafted"], ["LOCATION", "LOCATION (a place)"]].forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
    select.value = item.edit.label || "";
    select.addEventListener("change", function () {
      remember();
      item.edit.label = select.value || undefined;
      if (select.value) { item.edit.entity = undefined; }
      render();
    });
    return field("Label", select);
  }

  function proposalFields(item, box) {
    var entry = entryOf(item);
    var kind = item.edit.kind || (item.data && item.data.kind);
    if (item.group === "proposals") {
      var select = document.createElement("select");
      select.id = "proposal-kind";
      ["person", "organization", "location", kind].filter(function (k, i, a) {
        return a.indexOf(k) === i;
      }).forEach(function (k) {
        var option = document.createElement("option");
        option.value = option.textContent = k;
        select.appendChild(option);
      });
      select.value = kind;
      select.addEventListener("change", function () {
        remember();
        item.edit.kind = select.value;
        var name = words(spansOf(item)[0] || [0, 0]);
        if (select.value === "person") { setEntry(item, { id: slug(name), name: name }); }
        if (select.value === "organization") { setEntry(item, { id: slug(name), name: name, kind: "" }); }
        if (select.value === "location") { item.edit.entry = undefined; item.edit.label = "LOCATION"; }
        render();
      });
      box.appendChild(field("Kind", select));
    }
    if (!entry || item.edit.entity || item.edit.label) { return; }
    var edited = function (change) {
      return function (value) { var e = copy(entryOf(item)); change(e, value); setEntry(item, e); };
    };
    box.appendChild(field("id", textInput("entry-id", entry.id, edited(function (e, v) { e.id = v; }))));
    box.appendChild(field("name", textInput("entry-name", entry.name, edited(function (e, v) { e.name = v; }))));
    if (kind === "organization") {
      var kinds = document.createElement("select");
      kinds.id = "organization-kind";
      [""].concat(ORGANIZATION_KINDS).forEach(function (k) {
        var option = document.createElement("option");
        option.value = k;
        option.textContent = k || "choose…";
        kinds.appendChild(option);
      });
      kinds.value = entry.kind || "";
      kinds.addEventListener("change", function () {
        remember();
        var e = copy(entryOf(item));
        e.kind = kinds.value;
        setEntry(item, e);
        render();
      });
      box.appendChild(field("organization kind", kinds));
    }
    if (kind === "meeting") { meetingFields(item, entry, box, edited); }
  }

  function meetingFields(item, entry, box, edited) {
    var printed = item.edit.meeting_date != null ? item.edit.meeting_date :
      entry.date_edtf || (entry.date ? String(entry.date).slice(0,
        { day: 10, month: 7, year: 4 }[entry.date_precision] || 10) : "");
    var date = textInput("meeting-date", printed, function (v) { item.edit.meeting_date = v; });
    date.placeholder = "2024-01-12, 2024-01 or XXXX-01-12";
    box.appendChild(field("date as printed (EDTF)", date));
    box.appendChild(field("place", textInput("meeting-place", entry.location,
      edited(function (e, v) { if (v) { e.location = v; } else { delete e.location; } }))));
    box.appendChild(field("organizers (ids)", textInput("meeting-organizers",
      (entry.organizers || []).join(", "), edited(function (e, v) {
        e.organizers = v.split(/[\s,]+/).filter(Boolean);
        if (!e.organizers.length) { delete e.organizers; }
        var first = (e.evidence || [])[0];
        if (first && e.organizers && first.supports.indexOf("organizers") < 0) {
          first.supports.push("organizers");
        }
      }))));
    var attendance = textInput("meeting-attendance", entry.attendance, edited(function (e, v) {
      if (/^[0-9]+$/.test(v) && Number(v) > 0) { e.attendance = Number(v); } else { delete e.attendance; }
    }));
    box.appendChild(field("attendance (number of people)", attendance));
    var qualifier = document.createElement("select");
    qualifier.id = "meeting-attendance-qualifier";
    [""].concat(state.attendance_qualifiers).forEach(function (k) {
      var option = document.createElement("option");
      option.value = k;
      option.textContent = k || "—";
      qualifier.appendChild(option);
    });
    qualifier.value = entry.attendance_qualifier || "";
    qualifier.addEventListener("change", function () {
      remember();
      var e = copy(entryOf(item));
      if (qualifier.value) { e.attendance_qualifier = qualifier.value; } else { delete e.attendance_qualifier; }
      setEntry(item, e);
      render();
    });
    box.appendChild(field("attendance as stated", qualifier));
    var facts = document.createElement("ol");
    facts.className = "meeting-evidence";
    (entry.evidence || []).forEach(function (evidence, q) {
      var li = document.createElement("li");
      li.className = "evidence";
      var quote = document.createElement("q");
      quote.textContent = evidence.quote;
      li.appendChild(quote);
      ["date", "location", "organizers", "attendance"].forEach(function (fact) {
        var tick = document.createElement("input");
        tick.type = "checkbox";
        tick.id = "supports-" + q + "-" + fact;
        tick.checked = (evidence.supports || []).indexOf(fact) >= 0;
        tick.addEventListener("change", function () {
          remember();
          var e = copy(entryOf(item));
          var supports = e.evidence[q].supports || [];
          e.evidence[q].supports = tick.checked ? supports.concat([fact]) :
            supports.filter(function (s) { return s !== fact; });
          setEntry(item, e);
          render();
        });
        li.appendChild(field(fact, tick));
      });
      facts.appendChild(li);
    });
    box.appendChild(facts);
    box.appendChild(button("Add the selected words as evidence of the meeting", "meeting-evidence",
      function () {
        if (!selection) { return; }
        remember();
        var e = copy(entryOf(item));
        e.evidence = (e.evidence || []).concat([{ article: state.article_id,
          quote: words([selection.start, selection.end]), supports: [] }]);
        setEntry(item, e);
        render();
      }));
    var list = document.createElement("ol");
    list.className = "participants";
    (entry.participants || []).forEach(function (participant, p) {
      var li = document.createElement("li");
      li.append(field("person", textInput("participant-" + p, participant.person,
        edited(function (e, v) { e.participants[p].person = v; }))));
      (participant.evidence || []).forEach(function (evidence, q) {
        var said = document.createElement("div");
        said.className = "evidence";
        var quote = document.createElement("q");
        quote.textContent = evidence.quote;
        said.appendChild(quote);
        ROLES.forEach(function (role) {
          var box2 = document.createElement("input");
          box2.type = "checkbox";
          box2.id = "role-" + p + "-" + q + "-" + role;
          box2.checked = (evidence.supports || []).indexOf(role) >= 0;
          box2.addEventListener("change", function () {
            remember();
            var e = copy(entryOf(item));
            var ev = e.participants[p].evidence[q];
            ev.supports = ROLES.filter(function (r) {
              return r === role ? box2.checked : ev.supports.indexOf(r) >= 0;
            });
            var roles = [];
            e.participants[p].evidence.forEach(function (x) {
              x.supports.forEach(function (r) { if (roles.indexOf(r) < 0) { roles.push(r); } });
            });
            e.participants[p].roles = ROLES.filter(function (r) { return roles.indexOf(r) >= 0; });
            setEntry(item, e);
            render();
          });
          said.appendChild(field(role, box2));
        });
        li.appendChild(said);
      });
      li.appendChild(button("Add the selected words as evidence", "participant-evidence-" + p,
        function () {
          if (!selection) { return; }
          remember();
          var e = copy(entryOf(item));
          e.participants[p].evidence = (e.participants[p].evidence || []).concat([
            { article: state.article_id, quote: words([selection.start, selection.end]), supports: [] }]);
          setEntry(item, e);
          render();
        }));
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(button("Add a participant from the selected words", "add-participant", function () {
      if (!selection) { return; }
      remember();
      var e = copy(entryOf(item));
      var said = words([selection.start, selection.end]);
      e.participants = (e.participants || []).concat([{ person: "", roles: ["attendee"],
        evidence: [{ article: state.article_id, quote: said, supports: ["attendee"] }] }]);
      setEntry(item, e);
      render();
    }));
  }

  function render() {
    renderText();
    renderList();
    renderDetail();
    var active = document.querySelector("#items li.current");
    if (active && active.scrollIntoView) { active.scrollIntoView({ block: "nearest" }); }
  }

  function decide(action) {
    var item = all()[current];
    if (!item) { return; }
    remember();
    item.edit.action = action;
    var list = all();
    var next = list.findIndex(function (x, i) { return i > current && x.edit.action === "pending"; });
    if (next < 0) { next = list.findIndex(function (x) { return x.edit.action === "pending"; }); }
    current = next < 0 ? Math.min(current + 1, list.length - 1) : next;
    render();
  }

  // Offsets in code points of a point of the selection inside the text.
  function offsetOf(node, offset) {
    var walker = document.createTreeWalker($("text"), NodeFilter.SHOW_TEXT);
    var count = 0;
    while (walker.nextNode()) {
      var here = walker.currentNode;
      if (here === node) { return count + Array.from(here.data.slice(0, offset)).length; }
      count += Array.from(here.data).length;
    }
    return null;
  }
  function readSelection() {
    var chosen = window.getSelection();
    selection = null;
    if (!chosen || chosen.isCollapsed || !chosen.rangeCount) { $("selection-bar").hidden = true; return; }
    var range = chosen.getRangeAt(0);
    if (!$("text").contains(range.startContainer) || !$("text").contains(range.endContainer)) { return; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) { return; }
    while (start < end && /\s/.test(cps[start])) { start++; }
    while (end > start && /\s/.test(cps[end - 1])) { end--; }
    if (start >= end) { $("selection-bar").hidden = true; return; }
    selection = { start: start, end: end };
    $("selection-words").textContent = "“" + words([start, end]) + "”";
    $("selection-bar").hidden = false;
    renderDetail();
  }

  function setSpan() {
    var item = all()[current];
    if (!item || !selection) { return; }
    remember();
    item.edit.span = { start: selection.start, end: selection.end };
    if (item.edit.action === "pending") { item.edit.action = "accept"; }
    var entry = entryOf(item);
    if (entry && item.group === "proposals" && (item.edit.kind || item.data.kind) !== "meeting") {
      var name = words([selection.start, selection.end]);
      var e = copy(entry);
      if (e.name === item.data.value || e.name === words(item.spans[0] || [0, 0])) {
        e.name = name;
        e.id = slug(name);
      }
      setEntry(item, e);
    }
    render();
  }

  function addMention() {
    if (!selection) { return; }
    var choice = $("add-label").value;
    if (choice === "link") { openSearch("add"); return; }
    remember();
    var name = words([selection.start, selection.end]);
    var mention = { id: "added." + added.length, group: "added", label: choice.toUpperCase(),
      spans: [], data: { quote: name },
      edit: { action: "accept", span: { start: selection.start, end: selection.end },
        all: $("add-all").checked } };
    if (choice === "LOCATION") { mention.edit.label = "LOCATION"; } else {
      mention.edit.kind = choice;
      mention.edit.entry = choice === "person" ? { id: slug(name), name: name } :
        { id: slug(name), name: name, kind: "" };
    }
    added.push(mention);
    current = all().length - 1;
    render();
  }

  function openSearch(mode) {
    searchMode = mode;
    $("search-panel").hidden = false;
    var box = $("link-search");
    var item = all()[current];
    box.value = mode === "add" && selection ? words([selection.start, selection.end]) :
      item ? words(spansOf(item)[0] || [0, 0]) : "";
    showResults();
    box.focus();
  }
  function showResults() {
    var list = $("link-results");
    list.textContent = "";
    var folded = fold($("link-search").value);
    if (!folded) { return; }
    var terms = folded.split(" ");
    state.search.filter(function (row) {
      return terms.every(function (t) { return row[2].indexOf(t) >= 0; });
    }).slice(0, 30).forEach(function (row) {
      var li = document.createElement("li");
      var b = button(row[1], null, function () { link(row[3]); });
      b.className = "result";
      b.dataset.id = row[3];
      var tag = document.createElement("span");
      tag.className = "kind-tag " + row[0];
      tag.textContent = row[0];
      li.append(tag, b, " " + row[3]);
      list.appendChild(li);
    });
  }
  function link(id) {
    remember();
    if (searchMode === "add" && selection) {
      added.push({ id: "added." + added.length, group: "added", label: state.labels[id],
        spans: [], data: { quote: words([selection.start, selection.end]) },
        edit: { action: "accept", span: { start: selection.start, end: selection.end }, entity: id,
          all: $("add-all").checked } });
      current = all().length - 1;
    } else {
      var item = all()[current];
      item.edit.entity = id;
      item.edit.label = undefined;
      item.edit.action = "accept";
    }
    $("search-panel").hidden = true;
    searchMode = null;
    render();
  }

  function request() {
    var decisions = items.map(function (item) {
      var d = { item: item.id, action: item.edit.action };
      ["span", "entity", "label", "kind", "entry", "meeting_date"].forEach(function (key) {
        if (item.edit[key] !== undefined && item.edit[key] !== null) { d[key] = item.edit[key]; }
      });
      return d;
    });
    var news = added.filter(function (a) { return a.edit.action !== "reject"; }).map(function (a) {
      var d = { span: a.edit.span };
      ["entity", "label", "kind", "entry", "all"].forEach(function (key) {
        if (a.edit[key] !== undefined) { d[key] = a.edit[key]; }
      });
      return d;
    });
    return { base: state.base, decisions: decisions, added: news };
  }

  function showProblems(answer) {
    var box = $("problems");
    box.textContent = "";
    var head = document.createElement("h2");
    head.textContent = answer.saved ?
      (problems.length ? "Saved; the checks found " + problems.length + " problem(s)" : "Saved; the checks pass") :
      answer.error ? (state ? "Not saved: " : "Cannot review: ") + answer.error : "Not saved: " + problems.length + " problem(s)";
    box.appendChild(head);
    box.className = "problems " + (problems.length || answer.error ? "bad" : "good");
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var target = p.item;
      if (!target && p.path) {
        var stem = p.path.split("/").pop().replace(/\.yaml$/, "");
        var owner = all().find(function (x) { return (x.edit.entity || (x.data && x.data.entity)) === stem; });
        target = owner ? owner.id : null;
      }
      var text = (p.field ? p.field + ": " : "") + p.code + ": " + p.message + " (fix: " + p.hint + ")";
      if (target) {
        li.appendChild(button(target, null, function () {
          current = all().findIndex(function (x) { return x.id === target; });
          render();
          var span = document.querySelector('#text [data-item="' + target + '"]');
          if (span) { span.scrollIntoView({ block: "center" }); }
        }));
        li.append(" " + text);
      } else {
        li.textContent = p.path + ":" + p.line + ": " + text;
      }
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function call(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: { "X-Review-Token": token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  function save() {
    $("save").disabled = true;
    document.body.dataset.saving = "yes";
    call("POST", "/api/save", request()).then(function (answer) {
      problems = answer.problems || [];
      if (answer.saved) { load(answer.state); }
      showProblems(answer);
      render();
    }).finally(function () {
      $("save").disabled = false;
      document.body.dataset.saving = "done";
    });
  }

  document.addEventListener("keydown", function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      if (event.key === "Escape") { event.target.blur(); }
      if (event.key === "Enter" && event.target.id === "link-search") {
        var first = document.querySelector("#link-results .result");
        if (first) { first.click(); }
      }
      return;
    }
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && key === "z") { back(); event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (key === "a") { decide("accept"); } else if (key === "x") { decide("reject"); } else if (key === "z") { back(); } else if (key === "s") { setSpan(); } else if (key === "ArrowDown" || key === "ArrowRight") {
      current = Math.min(current + 1, all().length - 1); render();
    } else if (key === "ArrowUp" || key === "ArrowLeft") {
      current = Math.max(current - 1, 0); render();
    } else { return; }
    event.preventDefault();
  });
  $("text").addEventListener("mouseup", readSelection);
  $("text").addEventListener("keyup", readSelection);
  $("text").addEventListener("click", function (event) {
    var chosen = window.getSelection();
    if (chosen && !chosen.isCollapsed) { return; }
    var target = event.target.closest("[data-item]");
    if (!target) { return; }
    current = all().findIndex(function (x) { return x.id === target.dataset.item; });
    render();
  });
  $("set-span").addEventListener("click", setSpan);
  $("add-mention").addEventListener("click", addMention);
  $("undo").addEventListener("click", back);
  $("save").addEventListener("click", save);
  $("link-search").addEventListener("input", showResults);

  call("GET", "/api/draft").then(function (answer) {
    if (answer.error) {  // the draft cannot be read as it is: say why, show nothing to edit
      showProblems(answer);
      return;
    }
    load(answer);
    document.body.dataset.ready = "yes";
  });
}());
