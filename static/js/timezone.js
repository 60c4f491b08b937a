// Time-zone pickers (select[data-tz-picker]): a search box above the list narrows it as you
// type; a form nobody has filled yet (data-tz-detect) starts on the browser's own zone.
// Without JavaScript the list still works: common zones first, then by area.
(function () {
  function setUp(select) {
    // Only while the form still shows its default: a form sent back with errors keeps the
    // zone that was picked.
    if (select.hasAttribute("data-tz-detect") && select.value === "UTC") {
      let zone = "";
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
      if (zone && select.querySelector('option[value="' + CSS.escape(zone) + '"]')) select.value = zone;
    }
    const search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-1";
    search.placeholder = "Search time zones (city or region)";
    search.setAttribute("aria-label", "Search time zones");
    search.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(search, select);
    search.addEventListener("input", () => {
      const words = search.value.toLowerCase().replace(/_/g, " ").trim();
      let first = null;
      select.querySelectorAll("option").forEach((option) => {
        const match = !words || option.value.toLowerCase().replace(/_/g, " ").includes(words);
        option.hidden = !match;
        if (match && !first) first = option;
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (words && first) select.value = first.value;
    });
  }
  document.querySelectorAll("select[data-tz-picker]").forEach(setUp);
})();
