// "Copy" buttons of the share section: copy the text of the field they name, and say so.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(".copy-status");
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy"); // older browsers, or a page not served over HTTPS
  }
  if (status) status.textContent = button.dataset.copied;
});
