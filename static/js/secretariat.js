// Verbale, secretariat pages: shorten a long checkbox list as the user types (the list works
// without this script; nothing is submitted by it).
(function () {
  "use strict";
  function setUp(input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    var count = document.getElementById(input.getAttribute("data-filter-list") + "-count");
    if (!list) { return; }
    // Django renders each option as <div><label><input> name</label></div>, inside a <div>
    // headed by a <label> per group (kind of respondent).
    var items = Array.prototype.map.call(
      list.querySelectorAll("input[type=checkbox]"),
      function (box) { return box.closest("div"); }
    );
    var groups = Array.prototype.filter.call(list.querySelectorAll("div"), function (div) {
      return div.firstElementChild && div.firstElementChild.tagName === "LABEL" &&
        !div.firstElementChild.querySelector("input");
    });
    function apply() {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var box = item.querySelector("input");
        var match = !words || item.textContent.toLowerCase().indexOf(words) !== -1 || box.checked;
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("input[type=checkbox]:not([hidden])") ||
          Array.prototype.every.call(group.querySelectorAll(":scope > div"), function (d) {
            return d.hidden;
          });
      });
      if (count) {
        count.textContent = words ? shown + " of " + items.length + " respondents shown." : "";
      }
    }
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter-list]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
