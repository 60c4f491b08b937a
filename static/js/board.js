/* The board in the browser. Without JavaScript every part of it is a plain form or link:
   - drag and drop: a card dropped in another place is saved at once (htmx posts the move;
     the server answers with the board as it now is, or with the reason it refused, in
     which case the card is back where it was). A card drags from anywhere on it, its
     title included; its buttons and fields stay clickable.
   - every answer says what happened in the board's status line (a toast that fades).
   - a card's title opens the task in the side panel instead of leaving the board.
   - the folded panels above the kanban stay as they were left. */
(function () {
  "use strict";

  var PANELS_KEY = "board-panels-open";
  var toastTimer = null;
  var opener = null; // the card title that opened the side panel, focused again on close

  function filterValues() {
    var values = {};
    var filters = document.getElementById("board-filters");
    if (filters) {
      new FormData(filters).forEach(function (value, key) { values[key] = value; });
    }
    return values;
  }

  function nextCard(card) {
    var next = card.nextElementSibling;
    while (next && !next.hasAttribute("data-task")) { next = next.nextElementSibling; }
    return next;
  }

  function onDrop(event) {
    if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
    var card = event.item;
    var list = event.to;
    var before = nextCard(card);
    var values = filterValues();
    values.where = list.getAttribute("data-where");
    values.status = list.getAttribute("data-status") || "";
    values.before = before ? before.getAttribute("data-task") : "";
    htmx.ajax("POST", card.getAttribute("data-move-url"), {
      target: "#board",
      swap: "outerHTML",
      values: values
    });
  }

  function initDragging(root) {
    if (!window.Sortable || !root.querySelectorAll) { return; }
    var lists = root.querySelectorAll("[data-board-list]");
    Array.prototype.forEach.call(lists, function (list) {
      if (list.sortable) { return; }
      list.sortable = Sortable.create(list, {
        group: "board",
        animation: 150,
        draggable: "[data-task]",
        // Links (the title, a release badge) drag the card; fields and buttons do not.
        filter: "input, button, select, textarea, summary, label",
        preventOnFilter: false,
        onEnd: onDrop
      });
    });
  }

  // --- the status line --------------------------------------------------------------
  function fadeToastLater() {
    var toast = document.getElementById("board-toast");
    if (!toast || !toast.textContent.trim()) { return; }
    toast.classList.add("is-shown");
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toast.classList.remove("is-shown");
    }, 6000);
  }

  // --- the side panel ---------------------------------------------------------------
  function panel() { return document.getElementById("task-panel"); }

  function openPanel(url) {
    var aside = panel();
    if (!aside) { return false; }
    htmx.ajax("GET", url, { target: "#task-panel", swap: "innerHTML" }).then(function () {
      aside.hidden = false;
      document.body.classList.add("has-task-panel");
      var heading = aside.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    });
    return true;
  }

  function closePanel() {
    var aside = panel();
    if (!aside || aside.hidden) { return; }
    aside.hidden = true;
    aside.innerHTML = "";
    document.body.classList.remove("has-task-panel");
    if (opener && opener.isConnected) { opener.focus(); }
    opener = null;
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var title = event.target.closest && event.target.closest(".board-card-title");
    if (title && openPanel(title.getAttribute("href"))) {
      opener = title;
      event.preventDefault();
      return;
    }
    if (event.target.closest && event.target.closest("[data-panel-close]")) {
      event.preventDefault();
      closePanel();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePanel(); }
  });

  // --- busy state while a change is on its way -----------------------------------------
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      document.body.classList.add("is-saving");
    }
  });
  document.addEventListener("htmx:afterRequest", function () {
    document.body.classList.remove("is-saving");
  });
  document.addEventListener("htmx:afterSettle", fadeToastLater);

  // --- the folded panels --------------------------------------------------------------
  function rememberPanels() {
    var details = document.getElementById("board-panels");
    if (!details) { return; }
    try {
      if (window.localStorage.getItem(PANELS_KEY) === "1") { details.open = true; }
      details.addEventListener("toggle", function () {
        window.localStorage.setItem(PANELS_KEY, details.open ? "1" : "0");
      });
    } catch (e) { /* storage refused (private mode): the panels just start folded */ }
  }

  rememberPanels();
  htmx.onLoad(initDragging);
})();
