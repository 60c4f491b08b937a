// A table that scrolls sideways (.table-responsive on a phone) must be reachable with the
// keyboard: it becomes focusable, named after its table's caption or the card it sits in.
document.querySelectorAll(".table-responsive").forEach((region) => {
  if (region.hasAttribute("tabindex")) return;
  region.tabIndex = 0;
  region.setAttribute("role", "region");
  const card = region.closest(".card");
  const heading = card && card.querySelector(".card-header, h2, h3");
  region.setAttribute("aria-label", (heading && heading.textContent.trim()) || "Table");
});
