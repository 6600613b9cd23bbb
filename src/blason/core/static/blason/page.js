// Behaviour every page may use, without inline scripts (the Content-Security-Policy allows
// scripts from this site's static files only).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) {
    event.preventDefault();
    window.print();
  }
});
