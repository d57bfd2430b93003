// The graph of graph.html and of each record's neighbourhood, drawn by the vendored
// Cytoscape.js (vendor/cytoscape.min.js, loaded before this file). The data is the JSON in
// the page's #graph-data element (graph_data.py); nothing else is loaded.
"use strict";
(function () {
  var source = document.getElementById("graph-data");
  var box = document.getElementById("graph-canvas");
  if (!source || !box || typeof window.cytoscape !== "function") { return; }
  var data = JSON.parse(source.textContent);
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, url: n.url },
      classes: n.kind + (n.id === data.focus ? " focus" : "") });
  });
  data.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target },
      classes: e.relation });
  });
  var style = [
    { selector: "node", style: {
      "label": "data(label)", "text-wrap": "wrap", "text-max-width": "130px",
      "font-size": "13px", "font-family": "Noto Sans, DejaVu Sans, sans-serif", "color": "#1d2330",
      "text-valign": "bottom", "text-margin-y": "4px",
      "text-background-color": "#ffffff", "text-background-opacity": 0.92,
      "text-background-padding": "2px", "text-background-shape": "roundrectangle",
      "width": "14px", "height": "14px", "border-width": 1.5, "border-color": "#ffffff" } },
    { selector: "node.focus", style: { "width": "24px", "height": "24px", "font-weight": "bold",
      "border-color": "#b3261e", "border-width": 3 } },
    { selector: "edge", style: { "width": 2, "curve-style": "bezier", "opacity": 0.85,
      "target-arrow-shape": "triangle", "arrow-scale": 0.8 } }
  ];
  Object.keys(data.kinds).forEach(function (kind) {
    style.push({ selector: "node." + kind, style: { "background-color": data.kinds[kind] } });
  });
  Object.keys(data.relations).forEach(function (name) {
    var r = data.relations[name];
    style.push({ selector: "edge." + name, style: { "line-color": r.colour,
      "target-arrow-color": r.colour, "line-style": r.line } });
  });
  var layout = data.focus ?
    { name: "concentric", animate: false, fit: true, padding: 30, minNodeSpacing: 40,
      nodeDimensionsIncludeLabels: true,
      concentric: function (node) { return node.hasClass("focus") ? 2 : 1; },
      levelWidth: function () { return 1; } } :
    { name: "cose", animate: false, fit: true, padding: 30, randomize: false,
      nodeDimensionsIncludeLabels: true, nodeRepulsion: function () { return 12000; },
      idealEdgeLength: function () { return 70; }, nodeOverlap: 12, gravity: 1.2,
      componentSpacing: 30, numIter: 2500 };
  // Start from a circle in the page's order, so that every reader sees the same layout.
  var count = data.nodes.length;
  var positions = {};
  data.nodes.forEach(function (n, i) {
    var angle = 2 * Math.PI * i / Math.max(count, 1);
    positions[n.id] = { x: 400 * Math.cos(angle), y: 400 * Math.sin(angle) };
  });
  elements.forEach(function (el) { if (el.group === "nodes") { el.position = positions[el.data.id]; } });
  // Cytoscape adds a <style> element unless one with this id exists; the page's CSP refuses
  // inline style, so style.css holds its one rule and a marker stands in for the element.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    var marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }
  var cy = window.cytoscape({ container: box, elements: elements, style: style, layout: layout,
    minZoom: 0.2, maxZoom: 4 });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (url && !event.target.hasClass("focus")) { window.location.href = url; }
  });
  clearLabels(cy);
  readable(cy);
  window.dnndGraph = cy;  // for a reader's console, and the browser tests
  box.setAttribute("data-ready", "true");
  document.querySelectorAll(".graph-filter input[data-kind]").forEach(function (input) {
    input.addEventListener("change", function () {
      cy.nodes("." + input.getAttribute("data-kind")).style("display", input.checked ? "element" : "none");
    });
  });
  var fit = document.getElementById("graph-fit");
  if (fit) { fit.addEventListener("click", function () { cy.fit(undefined, 30); }); }

  // Fit the graph, but never so small that its names cannot be read: past that, show the
  // middle of the most connected record at the smallest readable zoom; the reader pans.
  function readable(cy) {
    var SMALLEST = data.focus ? 0.6 : 0.75;  // a neighbourhood is small: fit it whole
    cy.fit(undefined, 30);
    if (cy.zoom() >= SMALLEST) { return; }
    var centre = cy.nodes(".focus");
    if (centre.empty()) { centre = cy.nodes().max(function (n) { return n.degree(); }).ele; }
    cy.zoom(SMALLEST);
    cy.center(centre);
  }

  // Whether the segment a-b comes within `margin` of the box r (Liang-Barsky clipping).
  function meets(a, b, r, margin) {
    var x1 = r.x1 - margin, x2 = r.x2 + margin, y1 = r.y1 - margin, y2 = r.y2 + margin;
    var t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
    var sides = [[-dx, a.x - x1], [dx, x2 - a.x], [-dy, a.y - y1], [dy, y2 - a.y]];
    for (var i = 0; i < sides.length; i++) {
      var p = sides[i][0], q = sides[i][1];
      if (p === 0) { if (q < 0) { return false; } continue; }
      var t = q / p;
      if (p < 0) { if (t > t1) { return false; } if (t > t0) { t0 = t; } }
      else { if (t < t0) { return false; } if (t < t1) { t1 = t; } }
    }
    return true;
  }

  function labelBox(node) {
    return node.boundingBox({ includeLabels: true, includeOverlays: false });
  }

  // How far two label boxes overlap across and down (with a gap of 6 px); <= 0 when apart.
  function overlap(r1, r2) {
    return [Math.min(r1.x2, r2.x2) - Math.max(r1.x1, r2.x1) + 6,
      Math.min(r1.y2, r2.y2) - Math.max(r1.y1, r2.y1) + 6];
  }

  function overlapsAny(node, nodes) {
    var r = labelBox(node);
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].same(node)) { continue; }
      var o = overlap(r, labelBox(nodes[i]));
      if (o[0] > 0 && o[1] > 0) { return true; }
    }
    return false;
  }

  // Labels that overlap are moved apart (bounded: ROUNDS passes over every pair).
  function separate(nodes) {
    var ROUNDS = 30;
    for (var round = 0; round < ROUNDS; round++) {
      var apart = true;
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var o = overlap(labelBox(nodes[i]), labelBox(nodes[j]));
          if (o[0] <= 0 || o[1] <= 0) { continue; }
          var q = nodes[j].position(), p1 = nodes[i].position();
          if (o[0] < o[1]) {
            nodes[j].position({ x: q.x + (q.x >= p1.x ? o[0] : -o[0]), y: q.y });
          } else {
            nodes[j].position({ x: q.x, y: q.y + (q.y >= p1.y ? o[1] : -o[1]) });
          }
          apart = false;
        }
      }
      if (apart) { return; }
    }
  }

  // A node whose label an edge runs through is moved off the edge, across the side it is on.
  // True when, after at most PASSES passes, no edge meets a label.
  function clearEdges(cy, nodes) {
    var PASSES = 40;
    for (var pass = 0; pass < PASSES; pass++) {
      var moved = false;
      cy.edges().forEach(function (edge) {
        var a = edge.source().position(), b = edge.target().position();
        var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy) || 1;
        var nx = -dy / length, ny = dx / length;
        nodes.forEach(function (node) {
          if (node.same(edge.source()) || node.same(edge.target())) { return; }
          var r = labelBox(node);
          if (!meets(a, b, r, 4)) { return; }
          var cx = (r.x1 + r.x2) / 2, cy0 = (r.y1 + r.y2) / 2;
          var side = (cx - a.x) * nx + (cy0 - a.y) * ny;
          var sign = side >= 0 ? 1 : -1;
          var reach = (Math.abs(nx) * (r.x2 - r.x1) + Math.abs(ny) * (r.y2 - r.y1)) / 2 + 8;
          var step = reach - Math.abs(side) + Math.min(pass, 12);
          var p = node.position();
          node.position({ x: p.x + sign * nx * step, y: p.y + sign * ny * step });
          moved = true;
        });
      });
      if (!moved) { return true; }
    }
    return false;
  }

  // The layout counts labels, yet an edge may still run through a third node's label. Labels
  // are moved apart and off edges; where that does not settle, the whole drawing is spread
  // out a little (labels keep their size, so they leave the edges' way) and moved again.
  // Bounded: at most SPREADS rounds.
  function clearLabels(cy) {
    var SPREADS = 12;
    var nodes = cy.nodes();
    for (var round = 0; round < SPREADS; round++) {
      separate(nodes);
      if (clearEdges(cy, nodes)) { return; }
      nodes.forEach(function (node) {
        var p = node.position();
        node.position({ x: p.x * 1.2, y: p.y * 1.2 });
      });
    }
  }
}());
