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
