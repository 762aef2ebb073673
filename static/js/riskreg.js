// Ask before a form marked data-confirm does something that cannot be undone.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// After a failed submit, take the user to the list of what needs attention.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// "Start from last quarter's update": copy that text into this quarter's box, asking first
// when the box holds words of this quarter's.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-to]");
  if (!button) {
    return;
  }
  const box = document.getElementById(button.dataset.copyTo);
  const written = box.value.trim() && box.value !== button.dataset.copyText;
  if (written && !window.confirm("Replace what you have written with last quarter's update?")) {
    return;
  }
  box.value = button.dataset.copyText;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
});
