/* Offline stand-in for the CDN scripts GX Data Docs pages load (jQuery, Bootstrap, bootstrap-table,
   Vega): only the calls GX's page templates make (see expectations/gx_docs.py). bootstrapTable
   draws a plain table from the same columns and data, each row linked to its page; fadeIn/fadeOut
   show and hide (the "Failed Only" filter); collapse links and tabs toggle the "show"/"active"
   classes offline.css uses; everything else does nothing. */
(function () {
  "use strict";
  function Q(nodes) { this.nodes = nodes; }
  function select(sel) {
    if (typeof sel !== "string") { return sel ? [sel] : []; }
    try { return Array.prototype.slice.call(document.querySelectorAll(sel)); } catch (e) { return []; }
  }
  function $(sel) { return typeof sel === "function" ? $(document).ready(sel) : new Q(select(sel)); }
  ["modal", "on", "addClass", "removeClass", "tooltip", "popover", "prepend"].forEach(
    function (name) { Q.prototype[name] = function () { return this; }; });
  Q.prototype.fadeIn = function () { this.nodes.forEach(function (el) { el.style.display = ""; }); return this; };
  Q.prototype.fadeOut = function () { this.nodes.forEach(function (el) { el.style.display = "none"; }); return this; };
  Q.prototype.ready = function (fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
    return this;
  };
  Q.prototype.each = function (fn) { this.nodes.forEach(function (el, i) { fn.call(el, i, el); }); return this; };
  Q.prototype.parent = function () { return new Q(this.nodes.map(function (el) { return el.parentNode; })); };
  Q.prototype.data = function (key) { return this.nodes.length ? this.nodes[0].getAttribute("data-" + key) : null; };
  Q.prototype.bootstrapTable = function (options) {
    if (typeof options === "object") { this.nodes.forEach(function (table) { draw(table, options); }); }
    return this;  // 'clearFilterControl', 'resetSearch': nothing to clear
  };
  function draw(table, o) {
    var head = o.columns.map(function (c) { return "<th>" + c.title + "</th>"; }).join("");
    var body = (o.data || []).map(function (row) {
      var link = row._table_row_link_path;
      var cells = o.columns.map(function (c, i) {
        var v = row[c.field] == null ? "" : String(row[c.field]);
        return "<td>" + (i === 0 && link && v.indexOf("<a ") < 0 ? '<a href="' + link + '">' + v + "</a>" : v) + "</td>";
      }).join("");
      return link ? '<tr class="clickable-row" onclick="window.location=\'' + link + '\'">' + cells + "</tr>"
                  : "<tr>" + cells + "</tr>";
    }).join("");
    table.innerHTML = "<thead><tr>" + head + "</tr></thead><tbody>" + body + "</tbody>";
    table.classList.add("table-bordered");
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('[data-toggle="collapse"], [data-toggle="tab"]');
    var target = a && select(a.getAttribute("data-target") || a.getAttribute("href"))[0];
    if (!target) { return; }
    e.preventDefault();
    if (a.getAttribute("data-toggle") === "collapse") { target.classList.toggle("show"); return; }
    Array.prototype.forEach.call(target.parentNode.children, function (p) { p.classList.remove("show", "active"); });
    target.classList.add("show", "active");
    select(".nav-link").forEach(function (l) { if (l.closest("ul") === a.closest("ul")) { l.classList.remove("active"); } });
    a.classList.add("active");
  });
  window.$ = window.jQuery = $;
  window.vegaEmbed = function () { return Promise.resolve(); };
}());
