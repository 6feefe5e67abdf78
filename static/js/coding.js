// Verbale, coding page: select a passage of an answer (mouse, or keyboard in a read-only copy),
// then file it under a set in one more action. The script only fills the hidden fields of the
// filing form and moves the focus; the server checks the passage against the stored reply.
(function () {
  "use strict";
  var form, status, current = null;

  function codePoints(text) { return Array.from(text).length; }  // Python counts code points

  function clip(text) { return text.length > 90 ? text.slice(0, 89) + "…" : text; }

  function say(message, kind) {
    status.textContent = message;
    status.classList.toggle("is-ready", kind === "ready");
    status.classList.toggle("is-error", kind === "error");
  }

  function setField(name, value) { form.elements[name].value = value; }

  function remember(answer, text, startUnits, endUnits) {
    var quote = text.slice(startUnits, endUnits);
    if (!quote.trim()) { return; }
    current = {
      reply: answer.getAttribute("data-reply"),
      question: answer.getAttribute("data-question"),
      start: codePoints(text.slice(0, startUnits)),
      end: codePoints(text.slice(0, endUnits)),
      quote: quote
    };
    setField("reply", current.reply);
    setField("question", current.question);
    setField("start", current.start);
    setField("end", current.end);
    setField("quote", current.quote);
    Array.prototype.forEach.call(document.querySelectorAll(".answer-text.has-selection"), function (el) {
      el.classList.remove("has-selection");
    });
    answer.classList.add("has-selection");
    say("Selected in question " + answer.getAttribute("data-number") + ": “" + clip(quote.trim()) +
      "”. Choose a set, or press F to go to the list.", "ready");
  }

  function answerOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".answer-text") : null;
  }

  function fromDocumentSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var answer = answerOf(range.startContainer);
    if (!answer || answerOf(range.endContainer) !== answer) { return; }
    var before = document.createRange();
    before.selectNodeContents(answer);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length;
    remember(answer, answer.textContent, start, start + range.toString().length);
  }

  function fromKeyboardCopy(area) {
    if (area.selectionStart === area.selectionEnd) { return; }
    remember(area.answer, area.value, area.selectionStart, area.selectionEnd);
  }

  function keyboardCopy(answer) {
    var area = answer.nextElementSibling;
    if (!area || !area.classList.contains("answer-keyboard")) {
      area = document.createElement("textarea");
      area.className = "answer-keyboard";
      // Not readOnly: Chromium gives a read-only field no caret to select with. Edits are
      // refused instead, and the text put back if one slips through.
      area.setAttribute("aria-readonly", "true");
      area.value = answer.textContent;
      area.addEventListener("beforeinput", function (event) { event.preventDefault(); });
      area.addEventListener("input", function () { area.value = answer.textContent; });
      area.setAttribute("aria-label", "Answer to question " + answer.getAttribute("data-number") +
        ": select with Shift and the arrow keys, then press F");
      area.answer = answer;
      area.addEventListener("select", function () { fromKeyboardCopy(area); });
      area.addEventListener("keyup", function () { fromKeyboardCopy(area); });
      area.addEventListener("keydown", onShortcut);
      answer.insertAdjacentElement("afterend", area);
    }
    area.focus();
    area.setSelectionRange(0, 0);
  }

  function targets() { return Array.prototype.slice.call(form.querySelectorAll(".set-target")); }

  function goToSets() {
    if (!current) { say("Select a passage of an answer first.", "error"); return; }
    var first = targets()[0];
    if (first) { first.focus(); }
  }

  function onShortcut(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "f" || event.key === "F") { event.preventDefault(); goToSets(); }
  }

  function init() {
    form = document.getElementById("file-form");
    status = document.getElementById("selection-status");
    if (!form || !status) { return; }
    say("No passage selected yet: select words in an answer.");
    document.addEventListener("mouseup", function () { window.setTimeout(fromDocumentSelection, 0); });
    document.addEventListener("keyup", function (event) {
      if (event.shiftKey) { fromDocumentSelection(); }
    });
    document.addEventListener("selectionchange", function () {
      var active = document.activeElement;
      if (active && active.classList.contains("answer-keyboard")) { fromKeyboardCopy(active); }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".answer-text"), function (answer) {
      answer.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); keyboardCopy(answer); return; }
        onShortcut(event);
      });
    });
    form.addEventListener("keydown", function (event) {
      var list = targets();
      var index = list.indexOf(document.activeElement);
      if (index === -1) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = list[(index + (event.key === "ArrowDown" ? 1 : list.length - 1)) % list.length];
        next.focus();
      } else if (event.key === "Escape") {
        var back = current && document.querySelector(".answer-text[data-question='" + current.question + "']");
        if (back) { back.focus(); }
      }
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!current) {
        event.preventDefault();
        say("Select a passage of an answer first, then choose the set.", "error");
        return;
      }
      if (submitter && submitter.value === "new" &&
          (!form.elements.new_key.value.trim() || !form.elements.new_statement.value.trim())) {
        event.preventDefault();
        say("Give the new set a key and a statement.", "error");
        form.elements.new_key.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
