// Search of the index page: every name of every record, matched without accents or case.
// The entries come from search/index-NNN.js, loaded before this file; nothing else is loaded.
"use strict";
(function () {
  var LIMIT = 50;
  var entries = window.dnndSearch || [];
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!box || !list) { return; }

  // Must fold as search_index.fold does in Python: look-alikes, accents, case, spaces.
  function fold(text) {
    return text.replace(/[đĐðÐƉ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[\u2010\u2011]/g, "-").split(/\s+/).filter(Boolean).join(" ");
  }

  function rank(names, query) {
    if (names.indexOf(query) === 0) { return 0; }
    if (names.indexOf(" " + query) >= 0 || names.indexOf("| " + query) >= 0) { return 1; }
    return 2;
  }

  function show(query) {
    list.textContent = "";
    var folded = fold(query);
    if (!folded) { status.textContent = "Type a part of a name; accents and case do not matter."; return; }
    var words = folded.split(" ");
    var found = [];
    entries.forEach(function (entry, position) {
      var names = entry[2];
      if (words.every(function (w) { return names.indexOf(w) >= 0; })) {
        found.push([rank(names, folded), position, entry]);
      }
    });
    // The index is in Vietnamese order (collation.py): within a rank, keep it.
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    found.slice(0, LIMIT).forEach(function (item) {
      var entry = item[2];
      var li = document.createElement("li");
      var tag = document.createElement("span");
      tag.className = "kind-tag " + entry[0];
      tag.textContent = entry[0];
      var link = document.createElement("a");
      link.href = entry[3];
      link.textContent = entry[1];
      li.appendChild(tag);
      li.appendChild(link);
      if (entry[4]) {
        var detail = document.createElement("span");
        detail.className = "note";
        detail.textContent = " " + entry[4];
        li.appendChild(detail);
      }
      list.appendChild(li);
    });
    status.textContent = found.length === 0 ? "Nothing found." :
      found.length > LIMIT ? found.length + " found; the first " + LIMIT + " shown." :
      found.length + " found.";
  }

  box.addEventListener("input", function () { show(box.value); });
  if (box.value) { show(box.value); }
}());
