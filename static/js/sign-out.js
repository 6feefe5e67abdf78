/*
 * Verbale: signing out on a shared computer.
 *
 * The reply form keeps what is typed in this browser's storage until the server has it. When
 * someone signs out while some of it has not reached Verbale yet, they are asked first (it is
 * still on this computer, and signing out removes it); when they go on, it is removed here, and
 * the server's answer to the sign-out asks the browser to clear the site's storage as well.
 */
(function () {
  "use strict";

  const PREFIX = "verbale:reply:";

  function pendingKeys() {
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key && key.startsWith(PREFIX)) keys.push(key);
      }
    } catch (e) { /* storage unavailable: nothing was kept here */ }
    return keys;
  }

  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", (event) => {
      const keys = pendingKeys();
      if (!keys.length) return;
      const go = window.confirm(
        "Some answers typed on this computer have not reached Verbale yet. " +
        "If you sign out now they will be removed from this computer and lost.\n\n" +
        "Choose Cancel to stay and let them be saved, or OK to sign out anyway."
      );
      if (!go) {
        event.preventDefault();
        return;
      }
      try {
        for (const key of keys) localStorage.removeItem(key);
      } catch (e) { /* the server's Clear-Site-Data still applies */ }
    });
  }
})();
