// Verbale, the question editor and the list of sections and questions: drag and drop as an
// enhancement. Every change it makes can also be made without it, by keyboard, with the
// "Move up" and "Move down" buttons (which post the form and show it again).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- rows of choices, table rows and columns: reorder in the page, renumber the fields ---
  function renumber(table) {
    var prefix = table.closest("[data-row-editor]").getAttribute("data-row-editor");
    var pattern = new RegExp("^(id_)?" + prefix + "-\\d+-");
    var actionPattern = new RegExp("^" + prefix + ":(up|down|remove):\\d+$");
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll("[name],[id],[for]"), function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) {
            el.setAttribute(attr, value.replace(pattern, "$1" + prefix + "-" + index + "-"));
          }
        });
        var action = el.getAttribute("value");
        if (el.tagName === "BUTTON" && action && actionPattern.test(action)) {
          el.setAttribute("value", action.replace(/:\d+$/, ":" + index));
        }
      });
      var place = row.querySelector(".row-table__place");
      if (place && place.lastChild) { place.lastChild.textContent = " " + (index + 1); }
    });
  }

  function draggableRows(container, rowSelector, onDrop) {
    var dragged = null;
    container.classList.add("js-drag");
    Array.prototype.forEach.call(container.querySelectorAll(rowSelector), function (row) {
      row.setAttribute("draggable", "true");
    });
    container.addEventListener("dragstart", function (event) {
      // The element dragged is the nearest draggable one: a question inside a section, or
      // the section itself when taken by its heading.
      var row = event.target.matches && event.target.matches(rowSelector) ? event.target : null;
      if (!row || !container.contains(row)) { return; }
      dragged = row;
      row.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    container.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      var over = event.target.closest && event.target.closest(rowSelector);
      event.preventDefault();
      if (!over || over === dragged || over.parentNode !== dragged.parentNode && !onDrop.acrossLists) {
        return;
      }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    container.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("is-dragging");
      var row = dragged;
      dragged = null;
      onDrop(row);
    });
  }

  function setUpRowEditors(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-row-editor] .row-table"), function (table) {
      if (table.hasAttribute("data-drag-ready")) { return; }
      table.setAttribute("data-drag-ready", "");
      draggableRows(table, "tr[data-row]", function () { renumber(table); });
    });
  }

  // --- the list of sections and questions: drag a question, then the order is saved -------
  function setUpEditor() {
    var editor = document.querySelector("[data-reorder-url]");
    if (!editor) { return; }
    function save() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", editor.getAttribute("data-csrf"));
      Array.prototype.forEach.call(editor.querySelectorAll("[data-section]"), function (section) {
        var id = section.getAttribute("data-section");
        data.append("sections", id);
        Array.prototype.forEach.call(section.querySelectorAll("[data-question]"), function (q) {
          data.append("section-" + id, q.getAttribute("data-question"));
        });
      });
      fetch(editor.getAttribute("data-reorder-url"), {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function () { window.location.reload(); });
    }
    var onDrop = function () { save(); };
    onDrop.acrossLists = true;
    draggableRows(editor, "[data-question]", onDrop);
    draggableRows(editor, "[data-section]", function () { save(); });
    // A question dragged over a section with no question yet goes into its list.
    Array.prototype.forEach.call(editor.querySelectorAll("[data-section] ol"), function (list) {
      list.addEventListener("dragover", function (event) {
        var dragging = editor.querySelector(".is-dragging");
        if (dragging && !list.querySelector("[data-question]:not(.is-dragging)")) {
          event.preventDefault();
          list.appendChild(dragging);
        }
      });
    });
  }

  function init() {
    setUpRowEditors(document);
    setUpEditor();
    document.body.addEventListener("htmx:load", function () { setUpRowEditors(document); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
