// The reviewer's respondent picker: typing narrows the list of respondents to tick.
// Without JavaScript the whole list stays there, scrollable, and works the same.
(function () {
  "use strict";
  function setUp(find) {
    var list = document.getElementById(find.getAttribute("aria-controls"));
    var status = document.getElementById("picker-status");
    if (!list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-find]"));
    function narrow() {
      var words = find.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.getAttribute("data-find");
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        var ticked = item.querySelector("input:checked") !== null;
        item.hidden = !(match || ticked);
        if (match) shown += 1;
      });
      if (status) {
        status.textContent = words.length
          ? shown + " of " + items.length + " respondents match (ticked ones stay listed)"
          : "";
      }
    }
    find.addEventListener("input", narrow);
    find.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // narrowing, not submitting
    });
  }
  document.querySelectorAll("[data-picker-find]").forEach(setUp);
})();
