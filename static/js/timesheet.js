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

// A cell whose save never reached the server (offline, server error) says so in place, and
// keeps what was typed: leaving it again retries.
function markUnsaved(event) {
  const field = event.detail && event.detail.elt;
  if (!field || !field.closest) return;
  const cell = field.closest("td.timesheet-td");
  if (!cell) return;
  cell.classList.add("is-unsaved");
  let note = cell.querySelector(".timesheet-unsaved");
  if (!note) {
    note = document.createElement("div");
    note.className = "small text-danger timesheet-unsaved";
    note.setAttribute("role", "alert");
    cell.appendChild(note);
  }
  note.textContent = "Not saved: connection problem. Change the cell again to retry.";
}
document.addEventListener("htmx:sendError", markUnsaved);
document.addEventListener("htmx:responseError", markUnsaved);
