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

// Native sharing (Web Share API) where the browser has it, as on most phones: the button
// stays hidden elsewhere, and the WhatsApp, e-mail and copy links work without it.
if (navigator.share) {
  for (const button of document.querySelectorAll("[data-web-share]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl });
      } catch {
        // The person closed the share sheet: nothing to do.
      }
    });
  }
}
