// Spreadsheet habits for the weekly grid: Enter moves down a row (leaving the cell fires
// its "change", which saves it) instead of submitting the whole week. Without this
// script, Enter submits the form, which saves the week too.
document.addEventListener("keydown", function (event) {
  const input = event.target;
  if (event.key !== "Enter" || !input.classList || !input.classList.contains("timesheet-cell")) {
    return;
  }
  event.preventDefault();
  const cell = input.closest("td");
  const next = cell.parentElement.nextElementSibling;
  const below = next && next.children[cell.cellIndex];
  const target = below && below.querySelector("input.timesheet-cell");
  if (target) {
    target.focus();
    target.select();
  } else {
    input.blur();
  }
});
