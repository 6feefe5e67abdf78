/*
 * Verbale reply form: autosave that never loses a word.
 *
 * Each question is its own <form class="answer-form"> that posts to the answer-save view; this
 * script sends it about a second after typing stops (at once on change and on leaving a field),
 * with the answer version the form was showing. What is typed is first kept in localStorage
 * (keyed by reply, question and version) and only forgotten once the server has it, so a lost
 * connection or a reload never loses an edit: pending edits are put back into the fields and
 * sent again. A save refused because someone else saved in between (409) shows both versions
 * and lets the person choose; a refused value (400) is shown next to the field.
 *
 * Without this script every question still has a "Save answer" button.
 */
(function () {
  "use strict";

  const root = document.querySelector("[data-reply-form]");
  if (!root) return;
  document.documentElement.classList.add("js");

  const replyId = root.dataset.reply;
  const saveUrl = root.dataset.saveUrl;
  const DEBOUNCE_MS = 1000;
  const MAX_RETRY_MS = 60000;
  const PREFIX = "verbale:reply:" + replyId + ":q:";
  const META = new Set(["csrfmiddlewaretoken", "question", "version"]);
  const summary = document.getElementById("save-summary");
  const firstSummary = summary ? summary.textContent : "";

  /** Per question: timers, whether a request is out, and why saving stopped. */
  const states = new Map();
  let lastSavedAt = null;

  function stateOf(qid) {
    if (!states.has(qid)) {
      // saved: the entries the server last acknowledged (null: unknown, always send)
      states.set(qid, { timer: null, retry: null, inFlight: false, again: false, delay: 0, status: "idle", saved: null });
    }
    return states.get(qid);
  }

  function questionEl(qid) { return document.getElementById("q-" + qid); }
  function formOf(qid) {
    const el = questionEl(qid);
    return el ? el.querySelector("form.answer-form") : null;
  }
  function versionInput(form) { return form.querySelector("[data-version]"); }
  function csrfToken(form) {
    const input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function timeOf(iso) {
    const date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  // --- what the person typed ------------------------------------------------------------

  function entriesOf(form) {
    const entries = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (!META.has(name) && typeof value === "string") entries.push([name, value]);
    }
    return entries;
  }

  function applyEntries(form, entries) {
    for (const el of form.elements) {
      if (!el.name || META.has(el.name) || el.type === "hidden") continue;
      const values = entries.filter(([name]) => name === el.name).map(([, value]) => value);
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.includes(el.value);
      } else if ("value" in el) {
        el.value = values.length ? values[0] : "";
      }
    }
  }

  /** The entries a stored answer (state, value) reads as in this question's form. */
  function entriesFor(kind, state, value) {
    const entries = [["state", state || "answered"]];
    if (state && state !== "answered") return entries;
    if (value === null || value === undefined) return entries;
    if (kind === "multiple_choice") {
      for (const v of value) entries.push(["value", String(v)]);
    } else if (kind === "table") {
      for (const [row, cells] of Object.entries(value)) {
        for (const [col, cell] of Object.entries(cells)) {
          if (cell !== null && cell !== undefined) entries.push(["cell:" + row + ":" + col, String(cell)]);
        }
      }
    } else if (kind !== "file") {
      entries.push(["value", String(value)]);
    }
    return entries;
  }

  /** The person's own version, as plain text for the conflict panel. */
  function describe(form) {
    const kind = questionEl(form.dataset.question).dataset.kind;
    const state = (form.querySelector("[name=state]:checked") || {}).value || "answered";
    if (state !== "answered") {
      return form.querySelector("[name=state]:checked + label").textContent.trim();
    }
    if (kind === "table") {
      const lines = [];
      for (const row of form.querySelectorAll("tbody tr")) {
        const label = row.querySelector("th").textContent.trim();
        const cells = [...row.querySelectorAll("input")].map((i) => i.value.trim() || "—");
        lines.push(label + ": " + cells.join(", "));
      }
      return lines.join("\n");
    }
    const checked = [...form.querySelectorAll(".answer-input input:checked")];
    if (checked.length || kind === "yes_no" || kind.endsWith("choice")) {
      return checked.map((i) => form.querySelector("label[for='" + i.id + "']").textContent.trim()).join("\n") || "(no answer)";
    }
    const field = form.querySelector(".answer-input [name=value]");
    return (field && field.value) || "(no answer)";
  }

  // --- kept on this computer until the server has it -------------------------------------

  function storedKeys(qid) {
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key && key.startsWith(PREFIX + qid + ":v:")) keys.push(key);
      }
    } catch (e) { /* storage unavailable: the autosave still runs */ }
    return keys;
  }

  function keepLocally(qid) {
    const form = formOf(qid);
    if (!form) return;
    const key = PREFIX + qid + ":v:" + versionInput(form).value;
    try {
      for (const old of storedKeys(qid)) if (old !== key) localStorage.removeItem(old);
      localStorage.setItem(key, JSON.stringify({ entries: entriesOf(form), at: Date.now() }));
    } catch (e) { /* full or disabled: nothing more we can do here */ }
  }

  function forgetLocally(qid) {
    try {
      for (const key of storedKeys(qid)) localStorage.removeItem(key);
    } catch (e) { /* ignore */ }
  }

  // --- status ----------------------------------------------------------------------------

  const STATUS_TEXT = {
    pending: "Changes not saved yet",
    saving: "Saving…",
    retrying: "Not saved — retrying",
    failed: "Not saved",
    conflict: "Not saved — choose a version below",
  };

  function setStatus(qid, status, text) {
    const s = stateOf(qid);
    s.status = status;
    const el = questionEl(qid);
    const line = el && el.querySelector("[data-status]");
    if (line) {
      line.dataset.state = status;
      line.textContent = text || STATUS_TEXT[status] || "";
    }
    updateSummary();
  }

  let summaryText = "";
  function updateSummary() {
    if (!summary) return;
    const all = [...states.values()].map((s) => s.status);
    let state = "saved";
    let text;
    if (all.includes("conflict") || all.includes("failed")) {
      state = "failed";
      text = "Some answers are not saved — see the questions marked “Not saved”.";
    } else if (all.includes("partial")) {
      state = "failed";
      text = "Some figures are not saved — see the table cells marked in red.";
    } else if (all.includes("retrying")) {
      state = "retrying";
      text = navigator.onLine === false
        ? "Not saved — retrying. You seem to be offline; your answers are kept on this computer."
        : "Not saved — retrying. Your answers are kept on this computer.";
    } else if (all.includes("saving")) {
      state = "saving";
      text = "Saving…";
    } else if (all.includes("pending")) {
      state = "saving";
      text = summaryText || "Saving…";
    } else if (lastSavedAt) {
      text = "Saved at " + lastSavedAt;
    } else {
      text = firstSummary; // nothing saved on this page yet, and nothing waiting (edit undone)
      state = "";
    }
    if (text !== summaryText) {
      summaryText = text;
      summary.textContent = text;
    }
    summary.dataset.state = state;
  }

  function announce(text, state) {
    if (!summary) return;
    summaryText = text;
    summary.textContent = text;
    summary.dataset.state = state;
  }

  function showError(qid, message) {
    const el = questionEl(qid);
    if (!el) return;
    const box = el.querySelector("[data-error]");
    const inputs = el.querySelectorAll(".answer-input input, .answer-input textarea");
    el.classList.toggle("has-error", Boolean(message));
    if (box) {
      box.textContent = message || "";
      box.hidden = !message;
    }
    for (const input of inputs) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  /** Marks only the refused cells of a statistical table, each with its reason. */
  function showCellErrors(qid, refused) {
    const el = questionEl(qid);
    const list = el && el.querySelector("[data-cell-errors]");
    if (!list) return;
    list.replaceChildren();
    for (const input of el.querySelectorAll("input[data-row]")) {
      const message = refused[input.name];
      const errorId = input.id + "-error";
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== errorId);
      if (message) {
        const item = document.createElement("li");
        item.id = errorId;
        item.textContent = message;
        list.append(item);
        input.setAttribute("aria-invalid", "true");
        described.push(errorId);
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    }
    list.hidden = !list.children.length;
    el.classList.toggle("has-cell-errors", Boolean(list.children.length));
  }

  // --- saving ----------------------------------------------------------------------------

  function schedule(qid, delay) {
    const s = stateOf(qid);
    if (s.status !== "conflict" && s.status !== "partial" && !s.inFlight && unchangedSinceSaved(qid)) {
      // Back to what the server has (leaving a field, or an edit undone): nothing to send,
      // and nothing to keep on this computer.
      clearTimeout(s.timer);
      clearTimeout(s.retry);
      s.timer = null;
      forgetLocally(qid);
      if (s.status !== "idle" && s.status !== "saved") {
        showError(qid, "");
        setStatus(qid, "saved", "No unsaved changes");
      }
      return;
    }
    keepLocally(qid);
    clearTimeout(s.timer);
    clearTimeout(s.retry);
    s.delay = 0;
    if (s.status === "conflict") return; // the person chooses first; the edit is kept locally
    setStatus(qid, "pending");
    s.timer = setTimeout(() => save(qid), delay === undefined ? DEBOUNCE_MS : delay);
  }

  function unchangedSinceSaved(qid) {
    const form = formOf(qid);
    const saved = stateOf(qid).saved;
    return Boolean(form) && saved !== null && JSON.stringify(entriesOf(form)) === saved;
  }

  function retryLater(qid, text) {
    const s = stateOf(qid);
    s.delay = Math.min(MAX_RETRY_MS, s.delay ? s.delay * 2 : 2000);
    clearTimeout(s.retry);
    s.retry = setTimeout(() => save(qid), s.delay);
    setStatus(qid, "retrying", text);
  }

  async function save(qid) {
    const s = stateOf(qid);
    clearTimeout(s.timer);
    clearTimeout(s.retry);
    s.timer = null;
    if (s.inFlight) { s.again = true; return; }
    const form = formOf(qid);
    if (!form) return;
    const body = new FormData(form);
    const sent = JSON.stringify(entriesOf(form));
    s.inFlight = true;
    s.again = false;
    setStatus(qid, "saving");
    let response;
    let data = {};
    try {
      response = await fetch(saveUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      });
      if (response.type !== "opaqueredirect") {
        try { data = await response.json(); } catch (e) { data = {}; }
      }
    } catch (e) {
      s.inFlight = false;
      retryLater(qid);
      return;
    }
    s.inFlight = false;

    if (response.type === "opaqueredirect" || response.status === 0) {
      retryLater(qid, "Not saved — retrying. You have been signed out: sign in again in another tab; your text is kept on this computer.");
      return;
    }
    if (response.ok) {
      versionInput(form).value = data.version;
      s.saved = sent;
      showError(qid, "");
      const refused = data.refused_cells || {};
      showCellErrors(qid, refused);
      lastSavedAt = timeOf(data.saved_at);
      updateProgress(data.progress, data.reply_status);
      const n = Object.keys(refused).length;
      if (n) {
        // The other figures are saved; what was typed in the refused cells stays in them, and
        // on this computer, until it is corrected.
        keepLocally(qid);
        setStatus(qid, "partial", "Saved at " + lastSavedAt + ", except " + n + (n === 1 ? " cell" : " cells") + " — see below");
      }
      if (s.again || JSON.stringify(entriesOf(form)) !== sent) {
        schedule(qid, 0); // typed while the save was out: send the newer text on the new version
      } else if (!n) {
        forgetLocally(qid);
        setStatus(qid, "saved", "Saved at " + lastSavedAt);
      }
      return;
    }
    if (response.status === 409 && data.current) {
      showConflict(qid, data);
      return;
    }
    if (response.status === 400 || response.status === 403 || response.status === 404) {
      showError(qid, (data.error || "This answer could not be saved.") + " Nothing was saved.");
      setStatus(qid, "failed");
      return;
    }
    retryLater(qid); // 5xx, proxies, timeouts: try again, the text is kept
  }

  function updateProgress(progress, replyStatus) {
    if (!progress) return;
    const set = (selector, value) => {
      const el = document.querySelector(selector);
      if (el) el.textContent = value;
    };
    set("[data-required-answered]", progress.required_answered);
    set("[data-required]", progress.required);
    set("[data-answered]", progress.answered);
    if (replyStatus) set("[data-reply-status]", replyStatus);
  }

  // --- a stale save: show both versions, let the person choose ----------------------------

  function showConflict(qid, data) {
    const form = formOf(qid);
    const panel = form.querySelector("[data-conflict]");
    const current = data.current;
    const who = current.updated_by || "Someone";
    const when = current.updated_at ? timeOf(current.updated_at) : "";
    panel.replaceChildren();
    const title = document.createElement("h4");
    title.textContent = "Someone else saved this answer while you were editing";
    const intro = document.createElement("p");
    intro.textContent = data.error || "Compare both versions below and choose which to keep.";
    const grid = document.createElement("div");
    grid.className = "side-by-side";
    const column = (label, text) => {
      const box = document.createElement("div");
      const h = document.createElement("h5");
      h.className = "side-by-side__label";
      h.textContent = label;
      const pre = document.createElement("div");
      pre.className = "version-text";
      pre.tabIndex = 0;
      pre.setAttribute("role", "region");
      pre.setAttribute("aria-label", label);
      pre.textContent = text;
      box.append(h, pre);
      return box;
    };
    grid.append(
      column("Your version (not saved)", describe(form)),
      column("Saved version — by " + who + (when ? " at " + when : ""), current.display || "")
    );
    const actions = document.createElement("p");
    actions.className = "actions";
    const mine = document.createElement("button");
    mine.type = "button";
    mine.className = "button";
    mine.textContent = "Keep my version";
    const theirs = document.createElement("button");
    theirs.type = "button";
    theirs.className = "button button--secondary";
    theirs.textContent = "Keep the saved version";
    actions.append(mine, theirs);
    panel.append(title, intro, grid, actions);
    panel.hidden = false;
    setStatus(qid, "conflict");
    // Someone typing (here or in another question) keeps the focus: the panel waits beside the
    // question and the status line says where to choose.
    const active = document.activeElement;
    const typing = active && (active.tagName === "TEXTAREA" ||
      (active.tagName === "INPUT" && !["radio", "checkbox", "button", "submit", "file"].includes(active.type)));
    if (!typing) mine.focus();

    mine.addEventListener("click", () => {
      versionInput(form).value = current.version;
      stateOf(qid).saved = null; // the server holds theirs: send mine even if I sent it before
      panel.hidden = true;
      panel.replaceChildren();
      stateOf(qid).status = "idle";
      schedule(qid, 0);
      form.querySelector(".answer-input input, .answer-input textarea, [name=state]").focus();
    });
    theirs.addEventListener("click", () => {
      const kind = questionEl(qid).dataset.kind;
      applyEntries(form, entriesFor(kind, current.state, current.value));
      versionInput(form).value = current.version;
      stateOf(qid).saved = JSON.stringify(entriesOf(form));
      panel.hidden = true;
      panel.replaceChildren();
      forgetLocally(qid);
      refreshQuestion(qid);
      setStatus(qid, "saved", "The saved version is kept");
      form.querySelector(".answer-input input, .answer-input textarea, [name=state]").focus();
    });
  }

  // --- what follows from an answer: conditions, totals, set-aside inputs -------------------

  function currentValue(qid) {
    const form = formOf(qid);
    const el = questionEl(qid);
    if (!form || !el) return null;
    const state = (form.querySelector("[name=state]:checked") || {}).value || "answered";
    if (state !== "answered") return null;
    const kind = el.dataset.kind;
    if (kind === "multiple_choice") {
      return [...form.querySelectorAll("[name=value]:checked")].map((i) => i.value);
    }
    if (kind === "yes_no" || kind === "single_choice") {
      const checked = form.querySelector("[name=value]:checked");
      return checked ? checked.value : null;
    }
    const field = form.querySelector("[name=value]");
    return field && field.value.trim() ? field.value.trim() : null;
  }

  function conditionMet(values, earlier) {
    if (earlier === null || earlier === undefined) return false;
    if (Array.isArray(earlier)) return earlier.some((v) => values.includes(v));
    return values.includes(earlier);
  }

  /** Mirrors replies.visible_questions: shown when the earlier question is shown and answered
   * with one of the values. */
  function updateConditions() {
    const shown = new Set();
    for (const el of root.querySelectorAll("[data-question][data-kind]")) {
      const qid = el.dataset.question;
      const earlier = el.dataset.conditionQuestion;
      if (earlier) {
        let values = [];
        try { values = JSON.parse(el.dataset.conditionValues || "[]"); } catch (e) { values = []; }
        const visible = shown.has(earlier) && conditionMet(values, currentValue(earlier));
        if (el.hidden === visible) el.hidden = !visible;
        if (!visible) continue;
      }
      shown.add(qid);
    }
  }

  function parseCell(text) {
    const clean = text.replace(/[\s,\u00a0]/g, "");
    return /^\d+$/.test(clean) ? Number(clean) : null;
  }

  function updateTotals(qid) {
    const el = questionEl(qid);
    const grid = el && el.querySelector("[data-grid]");
    if (!grid) return;
    const rows = {};
    const cols = {};
    let grand = 0;
    for (const input of grid.querySelectorAll("input[data-row]")) {
      const n = parseCell(input.value) || 0;
      rows[input.dataset.row] = (rows[input.dataset.row] || 0) + n;
      cols[input.dataset.col] = (cols[input.dataset.col] || 0) + n;
      grand += n;
    }
    for (const out of grid.querySelectorAll("[data-row-total]")) out.value = rows[out.dataset.rowTotal] || 0;
    for (const out of grid.querySelectorAll("[data-col-total]")) out.value = cols[out.dataset.colTotal] || 0;
    const total = grid.querySelector("[data-grand-total]");
    if (total) total.value = grand;
  }

  function updateSetAside(qid) {
    const form = formOf(qid);
    if (!form) return;
    const state = (form.querySelector("[name=state]:checked") || {}).value || "answered";
    form.classList.toggle("answer--set-aside", state !== "answered" && questionEl(qid).dataset.kind !== "file");
    // the closed "Cannot answer?" control still says which choice stands
    const label = form.querySelector("[data-state-label]");
    const checked = form.querySelector("[name=state]:checked");
    if (label) label.textContent = state !== "answered" && checked ? form.querySelector("label[for='" + checked.id + "']").textContent.trim() : "";
  }

  function refreshQuestion(qid) {
    updateTotals(qid);
    updateSetAside(qid);
    updateConditions();
  }

  // --- events (delegated, so re-drawn questions keep working) -----------------------------

  function qidOf(target) {
    const form = target.closest && target.closest("form.answer-form");
    return form ? form.dataset.question : null;
  }

  root.addEventListener("input", (event) => {
    const qid = qidOf(event.target);
    if (!qid) return;
    if (event.target.type === "radio" || event.target.type === "checkbox") return; // on change
    updateTotals(qid);
    schedule(qid);
  });

  root.addEventListener("change", (event) => {
    const qid = qidOf(event.target);
    if (!qid) return;
    refreshQuestion(qid);
    schedule(qid, event.target.type === "radio" || event.target.type === "checkbox" ? 0 : 0);
  });

  root.addEventListener("focusout", (event) => {
    const qid = qidOf(event.target);
    if (!qid) return;
    const s = stateOf(qid);
    if (s.timer) save(qid);
  });

  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.classList.contains("answer-form")) {
      event.preventDefault(); // Enter in a field, or the fallback button: save now
      schedule(form.dataset.question, 0);
      return;
    }
    if (form.hasAttribute("data-partial")) {
      event.preventDefault();
      sendPartial(form, event.submitter);
    }
  });

  /** Uploads and removals: post the form, then re-draw the question from the answer. */
  async function sendPartial(form, button) {
    const article = form.closest("[data-question]");
    const qid = article.dataset.question;
    const input = form.querySelector("input[type=file]");
    if (input && !input.files.length) {
      input.focus();
      return;
    }
    const label = button ? button.textContent : "";
    if (button) {
      button.disabled = true;
      button.textContent = input ? "Uploading…" : "Removing…";
    }
    let html;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-Verbale-Partial": "1", "X-CSRFToken": csrfToken(form) },
      });
      if (response.type === "opaqueredirect" || response.status >= 500 || response.status === 404) {
        throw new Error("not drawn");
      }
      html = await response.text();
    } catch (e) {
      if (button) {
        button.disabled = false;
        button.textContent = label;
      }
      showError(qid, "The file could not be sent: check your connection and try again.");
      return;
    }
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    article.replaceWith(fresh);
    states.delete(qid);
    const freshForm = formOf(qid);
    if (freshForm) stateOf(qid).saved = JSON.stringify(entriesOf(freshForm));
    refreshQuestion(qid);
    const focusTarget = fresh.querySelector("[aria-invalid=true]") || fresh.querySelector("input[type=file]");
    if (focusTarget) focusTarget.focus();
    if (fresh.querySelector(".upload-form .error")) {
      announce("The file was not attached: see the message next to the field.", "failed");
      return;
    }
    lastSavedAt = timeOf();
    const line = fresh.querySelector("[data-status]");
    if (line) {
      line.dataset.state = "saved";
      line.textContent = (input ? "File attached at " : "File removed at ") + lastSavedAt;
    }
    summaryText = "";
    updateSummary(); // "Saved at …" once nothing else is waiting
  }

  // --- connection comes back: send what is waiting -----------------------------------------

  function retryAll() {
    for (const [qid, s] of states) {
      if (s.status === "retrying" || s.status === "pending") save(qid);
    }
  }
  window.addEventListener("online", retryAll);
  window.addEventListener("offline", updateSummary);

  // --- on load: put back what was typed but not saved, and send it -------------------------

  function restorePending() {
    for (const form of root.querySelectorAll("form.answer-form")) {
      const qid = form.dataset.question;
      const keys = storedKeys(qid);
      if (!keys.length) continue;
      const key = keys[keys.length - 1];
      let stored;
      try { stored = JSON.parse(localStorage.getItem(key)); } catch (e) { stored = null; }
      if (!stored || !Array.isArray(stored.entries)) continue;
      const version = key.slice(key.lastIndexOf(":v:") + 3);
      const unchanged = JSON.stringify(entriesOf(form)) === JSON.stringify(stored.entries);
      if (unchanged && version === versionInput(form).value) {
        forgetLocally(qid); // the server already has exactly this
        continue;
      }
      applyEntries(form, stored.entries);
      versionInput(form).value = version; // the version this edit was made on
      setStatus(qid, "pending", "Restored from this computer — saving…");
      const s = stateOf(qid);
      s.timer = setTimeout(() => save(qid), 0);
    }
  }

  // --- a wide table on a small screen says that it scrolls sideways ----------------------

  function updateScrollHints() {
    for (const box of root.querySelectorAll(".table-scroll")) {
      const wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("table-scroll--wide", wide);
      const hint = box.parentElement.querySelector("[data-scroll-hint]");
      if (hint) hint.hidden = !wide;
    }
  }
  window.addEventListener("resize", updateScrollHints);
  updateScrollHints();

  for (const form of root.querySelectorAll("form.answer-form")) {
    const qid = form.dataset.question;
    stateOf(qid).saved = JSON.stringify(entriesOf(form)); // as the server sent the page
    updateTotals(qid);
    updateSetAside(qid);
  }
  if (root.dataset.editable === "true") restorePending();
  updateConditions();
})();
