// Interactive payment-network view: canvas drawing, pan, zoom, hover details, search.
// Reads the graph from the JSON script element; every name reaches the page through
// textContent or canvas fillText, never as markup. Nothing is fetched.
(function () {
  "use strict";
  var root = document.documentElement;

  function fail(message) {
    root.setAttribute("data-error", String(message));
    var box = document.getElementById("error");
    box.textContent = "The view could not be drawn: " + message;
    box.hidden = false;
  }
  window.addEventListener("error", function (event) { fail(event.message); });

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  function money(amount, currency) {
    var text = Number(amount).toLocaleString("en-GB", { maximumFractionDigits: 2 });
    return currency ? text + " " + currency : text;
  }

  function main() {
    var data = JSON.parse(document.getElementById("graph-data").textContent);
    var nodes = data.nodes, edges = data.edges;
    var canvas = document.getElementById("canvas");
    var context = canvas.getContext("2d");
    var tooltip = document.getElementById("tooltip");
    var view = { scale: 1, x: 0, y: 0, base: 1 };
    var hovered = null, selected = -1, pending = false, width = 0, height = 0;

    document.getElementById("summary").textContent =
      nodes.length + " accounts, " + edges.length + (data.multigraph ? " flows (" + data.payments + " payments)" : " flows") +
      (data.left_out ? "; " + data.left_out + " more accounts left out by the node budget" : "");

    var legend = document.getElementById("legend-items");
    data.legend.forEach(function (entry) {
      var item = element("li");
      var swatch = element("span", entry.square ? "swatch square" : "swatch");
      swatch.style.background = entry.colour;
      item.appendChild(swatch);
      item.appendChild(element("span", "", entry.label));
      legend.appendChild(item);
    });
    [["swatch risk", "Size and red outline: risk"], ["swatch focus", "Focus of the view"],
     ["swatch edge", "Width: amount paid" + (data.currency ? " (" + data.currency + ")" : "")]]
      .forEach(function (pair) {
        if (pair[0] === "swatch focus" && !nodes.some(function (n) { return n.focus; })) { return; }
        var item = element("li");
        item.appendChild(element("span", pair[0]));
        item.appendChild(element("span", "", pair[1]));
        legend.appendChild(item);
      });

    nodes.forEach(function (n, i) { n.index = i; });
    var incident = nodes.map(function () { return []; });
    var pairs = {};
    edges.forEach(function (e, i) {
      incident[e.s].push(i);
      incident[e.t].push(i);
      pairs[e.s + ">" + e.t] = true;
    });
    edges.forEach(function (e) { e.both = pairs[e.t + ">" + e.s] === true; });

    // Crowded views start with smaller marks; zooming in grows them.
    var density = Math.min(1, 30 / Math.sqrt(Math.max(nodes.length, 1)));
    function sizeFactor() { return Math.min(4, Math.max(0.25, density * Math.sqrt(view.scale / view.base))); }
    function sx(n) { return n.x * view.scale + view.x; }
    function sy(n) { return -n.y * view.scale + view.y; }

    function fit() {
      var margin = 40;
      view.scale = view.base = Math.max(1, Math.min(width, height) / 2 - margin);
      view.x = width / 2;
      view.y = height / 2;
      schedule();
    }

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var first = width === 0;
      width = canvas.clientWidth || 800;
      height = canvas.clientHeight || 600;
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      if (first) { fit(); } else { schedule(); }
    }

    function schedule() {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () { pending = false; draw(); });
      }
    }

    function active() {
      if (hovered && hovered.kind === "node") { return hovered.index; }
      return selected;
    }

    function edgeLine(e, grow) {
      var a = nodes[e.s], b = nodes[e.t];
      var x1 = sx(a), y1 = sy(a), x2 = sx(b), y2 = sy(b);
      var dx = x2 - x1, dy = y2 - y1, length = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / length, uy = dy / length, shift = e.both ? 3 : 0;
      return { x1: x1 - uy * shift, y1: y1 + ux * shift, x2: x2 - uy * shift, y2: y2 + ux * shift,
               ux: ux, uy: uy, length: length, end: b.r * grow };
    }

    function draw() {
      var grow = sizeFactor(), focusNode = active(), drawnNodes = 0, drawnEdges = 0;
      var lit = {}, near = {};
      if (focusNode >= 0) {
        near[focusNode] = true;
        incident[focusNode].forEach(function (i) { lit[i] = true; near[edges[i].s] = true; near[edges[i].t] = true; });
      }
      context.clearRect(0, 0, width, height);
      context.lineCap = "round";
      edges.forEach(function (e, i) {
        var line = edgeLine(e, grow);
        if (Math.max(line.x1, line.x2) < -20 || Math.min(line.x1, line.x2) > width + 20 ||
            Math.max(line.y1, line.y2) < -20 || Math.min(line.y1, line.y2) > height + 20) { return; }
        var on = lit[i] === true || (hovered && hovered.kind === "edge" && hovered.index === i);
        var colour = on ? "rgba(40,40,40,0.9)" : (focusNode >= 0 ? "rgba(122,122,122,0.15)" : "rgba(122,122,122,0.55)");
        context.strokeStyle = colour;
        context.fillStyle = colour;
        context.lineWidth = e.w;
        context.beginPath();
        context.moveTo(line.x1, line.y1);
        context.lineTo(line.x2, line.y2);
        context.stroke();
        if (line.length > line.end + 8) {
          var head = 5 + e.w, tipX = line.x2 - line.ux * line.end, tipY = line.y2 - line.uy * line.end;
          context.beginPath();
          context.moveTo(tipX, tipY);
          context.lineTo(tipX - line.ux * head - line.uy * head * 0.5, tipY - line.uy * head + line.ux * head * 0.5);
          context.lineTo(tipX - line.ux * head + line.uy * head * 0.5, tipY - line.uy * head - line.ux * head * 0.5);
          context.closePath();
          context.fill();
        }
        drawnEdges += 1;
      });
      var visible = nodes.filter(function (n) {
        var x = sx(n), y = sy(n), r = n.r * grow;
        return x >= -r && x <= width + r && y >= -r && y <= height + r;
      });
      var labelAll = visible.length <= 80;  // names of every account once few are in sight
      drawnNodes = visible.length;
      visible.forEach(function (n) {
        var i = n.index, x = sx(n), y = sy(n), r = n.r * grow;
        context.globalAlpha = focusNode >= 0 && !near[i] ? 0.35 : 1;
        context.beginPath();
        if (n.victim) { context.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8); } else { context.arc(x, y, r, 0, 2 * Math.PI); }
        context.fillStyle = n.colour;
        context.fill();
        context.lineWidth = n.outline > 0 ? n.outline : 1;
        context.strokeStyle = n.outline > 0 ? "#B00020" : "#ffffff";
        context.stroke();
        if (n.focus || i === selected) {
          context.beginPath();
          context.arc(x, y, r + 5, 0, 2 * Math.PI);
          context.lineWidth = 2;
          context.strokeStyle = "#000000";
          context.stroke();
        }
        if (labelAll || n.focus || i === focusNode) {
          context.font = "11px system-ui, sans-serif";
          context.textAlign = "center";
          context.textBaseline = "top";
          context.lineWidth = 3;
          context.strokeStyle = "rgba(255,255,255,0.85)";
          context.strokeText(n.label, x, y + r + 3);
          context.fillStyle = "#222";
          context.fillText(n.label, x, y + r + 3);
        }
        context.globalAlpha = 1;
      });
      root.setAttribute("data-rendered-nodes", String(drawnNodes));
      root.setAttribute("data-rendered-edges", String(drawnEdges));
    }

    function nodeAt(px, py) {
      var grow = sizeFactor(), best = null, bestDistance = Infinity;
      nodes.forEach(function (n, i) {
        var dx = sx(n) - px, dy = sy(n) - py, distance = Math.sqrt(dx * dx + dy * dy);
        if (distance <= n.r * grow + 3 && distance < bestDistance) { best = i; bestDistance = distance; }
      });
      return best;
    }

    function edgeAt(px, py) {
      var grow = sizeFactor(), best = null, bestDistance = Infinity;
      edges.forEach(function (e, i) {
        var line = edgeLine(e, grow);
        var dx = line.x2 - line.x1, dy = line.y2 - line.y1, span = dx * dx + dy * dy;
        var t = span > 0 ? Math.max(0, Math.min(1, ((px - line.x1) * dx + (py - line.y1) * dy) / span)) : 0;
        var ex = line.x1 + t * dx - px, ey = line.y1 + t * dy - py, distance = Math.sqrt(ex * ex + ey * ey);
        if (distance <= Math.max(4, e.w / 2 + 2) && distance < bestDistance) { best = i; bestDistance = distance; }
      });
      return best;
    }

    function rows(table, pairs) {
      pairs.forEach(function (pair) {
        if (pair[1] === "" || pair[1] === null || pair[1] === undefined) { return; }
        var row = element("tr");
        row.appendChild(element("th", "", pair[0]));
        row.appendChild(element("td", "", String(pair[1])));
        table.appendChild(row);
      });
    }

    function describeNode(n) {
      tooltip.appendChild(element("div", "head", n.name || n.id));
      if (n.victim) { tooltip.appendChild(element("div", "victim", "Likely victim (donor), not a suspect")); }
      var table = element("table");
      rows(table, [["Account", n.id], ["Country", n.country], ["Type", n.type], ["Role", n.role],
                   ["Roles", n.roles !== n.role ? n.roles : ""], ["Risk", n.risk.toFixed(1)], ["Alerts", n.alerts],
                   ["Focus", n.focus ? "yes" : ""]]);
      tooltip.appendChild(table);
    }

    function describeEdge(e) {
      var a = nodes[e.s], b = nodes[e.t];
      tooltip.appendChild(element("div", "head", (a.name || a.id) + " \u2192 " + (b.name || b.id)));
      var table = element("table");
      rows(table, [["Payments", e.count], ["Amount", money(e.amount, data.currency)],
                   ["First", e.first], ["Last", e.last]]);
      tooltip.appendChild(table);
      if (e.payments) {
        var list = element("table");
        e.payments.forEach(function (p) {
          var paidIn = p.currency && p.currency !== data.currency ? " (paid in " + p.currency + ")" : "";
          rows(list, [[p.when, money(p.amount, data.currency) + paidIn + (p.purpose ? " \u00b7 " + p.purpose : "") +
                       " \u00b7 " + p.id]]);
        });
        if (e.count > e.payments.length) { rows(list, [["", "and " + (e.count - e.payments.length) + " more"]]); }
        tooltip.appendChild(list);
      }
    }

    // Details of what is under the pointer, else of the selected account (pinned beside it).
    function showTooltip(px, py) {
      tooltip.replaceChildren();
      var item = hovered;
      if (!item && selected >= 0) {
        item = { kind: "node", index: selected };
        px = sx(nodes[selected]);
        py = sy(nodes[selected]);
      }
      if (!item) { tooltip.hidden = true; return; }
      if (item.kind === "node") { describeNode(nodes[item.index]); } else { describeEdge(edges[item.index]); }
      tooltip.hidden = false;
      var left = px + 14, top = py + 14;
      if (left + tooltip.offsetWidth > width) { left = Math.max(0, px - 14 - tooltip.offsetWidth); }
      if (top + tooltip.offsetHeight > height) { top = Math.max(0, py - 14 - tooltip.offsetHeight); }
      tooltip.style.left = left + "px";
      tooltip.style.top = top + "px";
    }

    function pointer(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    var drag = null;
    canvas.addEventListener("pointerdown", function (event) {
      var at = pointer(event);
      drag = { x: at.x, y: at.y, vx: view.x, vy: view.y, moved: false };
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      var at = pointer(event);
      if (drag) {
        if (Math.abs(at.x - drag.x) + Math.abs(at.y - drag.y) > 3) { drag.moved = true; canvas.classList.add("dragging"); }
        view.x = drag.vx + at.x - drag.x;
        view.y = drag.vy + at.y - drag.y;
        schedule();
        return;
      }
      var node = nodeAt(at.x, at.y), edge = node === null ? edgeAt(at.x, at.y) : null;
      var next = node !== null ? { kind: "node", index: node } : (edge !== null ? { kind: "edge", index: edge } : null);
      var changed = (next === null) !== (hovered === null) ||
        (next && hovered && (next.kind !== hovered.kind || next.index !== hovered.index));
      hovered = next;
      showTooltip(at.x, at.y);
      if (changed) { schedule(); }
    });
    canvas.addEventListener("pointerup", function (event) {
      var at = pointer(event);
      if (drag && !drag.moved) {
        var node = nodeAt(at.x, at.y);
        select(node === null ? -1 : node, false);
      }
      drag = null;
      canvas.classList.remove("dragging");
    });
    canvas.addEventListener("pointerleave", function () { hovered = null; showTooltip(0, 0); schedule(); });
    canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      var at = pointer(event), factor = Math.exp(-event.deltaY * 0.0015);
      var next = Math.min(view.base * 200, Math.max(view.base * 0.2, view.scale * factor));
      view.x = at.x - (at.x - view.x) * (next / view.scale);
      view.y = at.y - (at.y - view.y) * (next / view.scale);
      view.scale = next;
      schedule();
    }, { passive: false });

    function zoomBy(factor) {
      view.x = width / 2 - (width / 2 - view.x) * factor;
      view.y = height / 2 - (height / 2 - view.y) * factor;
      view.scale *= factor;
      schedule();
    }
    document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.5); });
    document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.5); });
    function select(index, centre) {
      selected = index;
      if (index >= 0 && centre) {
        view.scale = Math.max(view.scale, view.base * Math.min(4, 1 / (density * density)));
        view.x = width / 2 - nodes[index].x * view.scale;
        view.y = height / 2 + nodes[index].y * view.scale;
      }
      draw();
      showTooltip(0, 0);
    }

    function find(text) {
      var wanted = text.trim().toLowerCase();
      var exact = nodes.findIndex(function (n) { return n.id.toLowerCase() === wanted; });
      return exact >= 0 ? exact : nodes.findIndex(function (n) {
        return n.id.toLowerCase().indexOf(wanted) >= 0 || n.name.toLowerCase().indexOf(wanted) >= 0;
      });
    }

    document.getElementById("fit").addEventListener("click", function () { fit(); select(-1, false); });
    document.getElementById("search").addEventListener("change", function (event) {
      var found = event.target.value.trim() ? find(event.target.value) : -1;
      event.target.setCustomValidity(found < 0 && event.target.value.trim() ? "No account matches" : "");
      event.target.reportValidity();
      select(found, true);
    });
    window.addEventListener("resize", resize);
    resize();
    draw();
    // A link such as view.html#account=GB29NWBK60161331926819 opens on that account.
    var linked = /^#account=(.+)$/.exec(window.location.hash);
    if (linked) { select(find(decodeURIComponent(linked[1])), true); }
  }

  try { main(); } catch (error) { fail(error && error.message ? error.message : error); }
}());
