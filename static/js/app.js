// Marks the page as scripted, so that "no JavaScript" fallbacks (.js-hidden) step aside.
document.documentElement.classList.add("js");

// A second click on a form's button while the first submit is on its way would save the
// same task, question or hours twice: once a plain form is submitted, its buttons wait.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
  window.setTimeout(() => {
    form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]').forEach((button) => {
      button.disabled = true;
    });
  }, 0);
});

// htmx does not swap error responses in: say so in the page's messages instead of leaving a
// change that silently did not happen.
function showProblem(text) {
  const box = document.getElementById("messages");
  if (!box) return;
  const alert = document.createElement("div");
  alert.className = "alert alert-danger alert-dismissible fade show";
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.setAttribute("data-bs-dismiss", "alert");
  close.setAttribute("aria-label", "Close");
  alert.appendChild(close);
  box.appendChild(alert);
}

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 404) {
    showProblem("That change was not saved: this item is no longer open to you (it may have moved, or your access ended). Reload the page.");
  } else if (status === 403) {
    showProblem("That change was not saved: your role does not allow it.");
  } else {
    showProblem("That change was not saved because of a problem on our side. Reload the page and try again.");
  }
});

document.addEventListener("htmx:sendError", () => {
  showProblem("That change was not saved: the server could not be reached. Check your connection and try again.");
});

// The same for forms that post through htmx: their buttons wait for the answer.
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest("form");
  if (!form) return;
  form.querySelectorAll('button[type="submit"], button:not([type])').forEach((button) => {
    button.disabled = true;
    button.dataset.waitingForAnswer = "1";
  });
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt.closest("form");
  if (!form || !form.isConnected) return;
  form.querySelectorAll("button[data-waiting-for-answer]").forEach((button) => {
    button.disabled = false;
    delete button.dataset.waitingForAnswer;
  });
});

// The Content-Security-Policy allows no inline handlers: these attributes stand in for them.
// data-confirm on a form asks before it is sent (before the buttons above are disabled).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
// data-autosubmit on a field sends its form as soon as it changes (filters).
document.addEventListener("change", (event) => {
  if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) {
    event.target.form.requestSubmit();
  }
});
// data-progress sets a progress bar's width (a style attribute would be refused).
htmx.onLoad((root) => {
  const bars = root.querySelectorAll ? root.querySelectorAll("[data-progress]") : [];
  bars.forEach((bar) => { bar.style.width = `${bar.dataset.progress}%`; });
  if (root.dataset && root.dataset.progress) root.style.width = `${root.dataset.progress}%`;
});

// A running timer shows its time as it goes (h:mm:ss); the server keeps the start, so a
// reload or another tab shows the same time.
function tickTimers() {
  document.querySelectorAll("[data-timer-since]").forEach((clock) => {
    const started = Date.parse(clock.dataset.timerSince);
    if (Number.isNaN(started)) return;
    const seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const h = Math.floor(seconds / 3600);
    const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
    const s = String(seconds % 60).padStart(2, "0");
    clock.textContent = `${h}:${m}:${s}`;
  });
}
htmx.onLoad(tickTimers);
window.setInterval(tickTimers, 1000);
