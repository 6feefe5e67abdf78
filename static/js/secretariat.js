// Verbale, secretariat pages: shorten a long checkbox list as the user types (the list works
// without this script; nothing is submitted by it).
(function () {
  "use strict";
  function setUp(input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    var count = document.getElementById(input.getAttribute("data-filter-list") + "-count");
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("li")).filter(function (li) {
      return li.querySelector("input[type=checkbox]") && !li.querySelector("ul");
    });
    function apply() {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (li) {
        var box = li.querySelector("input");
        var match = !words || li.textContent.toLowerCase().indexOf(words) !== -1 || box.checked;
        li.hidden = !match;
        if (match) { shown += 1; }
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
