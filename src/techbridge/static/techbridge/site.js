/* TechBridge: the little the pages need beyond HTML and CSS (no framework, no CDN).
   On a phone a data table is shown as cards (site.css); each cell is labelled with its
   column's heading, copied here into data-label, on the page and on everything htmx loads. */
(function () {
  "use strict";
  function labelCells(root) {
    if (!root.querySelectorAll) return;
    var tables = root.matches && root.matches("table.list") ? [root] : root.querySelectorAll("table.list");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.querySelector("tr");
      if (!head || head.querySelector("td")) return;
      var names = Array.prototype.map.call(head.children, function (cell) {
        return cell.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tr"), function (row) {
        if (row === head) return;
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var span = cell.colSpan || 1;
          if (cell.tagName === "TD" && span === 1 && names[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += span;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.addEventListener("htmx:load", function (event) { labelCells(event.target); });
})();
