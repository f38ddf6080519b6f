// The session's warning on the page itself (templates/includes/_session_dialog.html).
//
// Without this script a signed-in page moves to the warning page before the session ends (a
// refresh inside <noscript>), and whatever was typed on it is lost. With it, a dialog opens
// over the page instead, and "Stay signed in" (or Escape) keeps the session and the page as
// it is. Before opening, and before giving up, it asks the server how long the session has
// left: another tab may have kept it going.

const TICK_MS = 1000;

export function initSessionDialog(dialog = document.getElementById("session-dialog")) {
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  let warnAt = Date.now() + Number(dialog.dataset.warnAfter) * 1000;
  let endAt = warnAt + warningMs;
  let busy = false;
  let returnFocus = null;

  // Seconds the session has left; 0 when it is over, null when the server did not answer.
  async function secondsLeft() {
    try {
      const response = await fetch(dialog.dataset.statusUrl, {
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return 0;
      }
      return Number((await response.json()).seconds_left) || 0;
    } catch {
      return null;
    }
  }

  function open() {
    returnFocus = document.activeElement;
    dialog.showModal();
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
  }

  function signedOut() {
    window.location.assign(dialog.dataset.warningUrl);
  }

  // Plan the next warning and end from what the server says is left.
  function plan(left) {
    endAt = Date.now() + left * 1000;
    warnAt = endAt - warningMs;
  }

  async function tick() {
    const now = Date.now();
    if (busy || (now < warnAt && !dialog.open) || (dialog.open && now < endAt)) {
      return;
    }
    busy = true;
    try {
      const left = await secondsLeft();
      if (left === null) {
        // No answer: warn as planned; at the end, the warning page decides.
        if (!dialog.open && Date.now() < endAt) {
          open();
        } else if (Date.now() >= endAt) {
          signedOut();
        }
        return;
      }
      if (left <= 0) {
        signedOut();
        return;
      }
      plan(left);
      if (Date.now() < warnAt) {
        close(); // kept going elsewhere
      } else if (!dialog.open) {
        open();
      }
    } finally {
      busy = false;
    }
  }

  async function stay(form) {
    busy = true;
    try {
      // The form posts to the warning page without this script; here, to the keep-alive.
      const response = await fetch(dialog.dataset.keepUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) {
        signedOut();
        return;
      }
      const left = await secondsLeft();
      plan(left === null ? warningMs / 1000 : left);
      close();
    } catch {
      // Offline for a moment: leave the dialog open so the person can try again.
    } finally {
      busy = false;
    }
  }

  const keep = dialog.querySelector("form[data-session-keep]");
  keep.addEventListener("submit", (event) => {
    event.preventDefault();
    stay(keep);
  });
  // Escape means "not now", which here is staying signed in, not losing the page.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay(keep);
  });
  window.setInterval(tick, TICK_MS);
  document.addEventListener("visibilitychange", tick);
}
