/* The board's drag and drop: a card dropped in another place is saved at once (htmx posts
   the move; the server answers with the board as it now is, or with the reason it refused,
   in which case the card is back where it was). Without JavaScript the buttons on each card
   make the same moves. */
(function () {
  "use strict";

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

  function init(root) {
    var lists = root.querySelectorAll ? root.querySelectorAll("[data-board-list]") : [];
    Array.prototype.forEach.call(lists, function (list) {
      if (list.sortable) { return; }
      list.sortable = Sortable.create(list, {
        group: "board",
        animation: 150,
        draggable: "[data-task]",
        filter: "input, button, select, textarea, a",
        preventOnFilter: false,
        onEnd: onDrop
      });
    });
  }

  htmx.onLoad(init);
})();
