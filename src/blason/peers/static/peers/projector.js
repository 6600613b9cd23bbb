// Projector mode: a "Full screen" button where the browser allows it.
(function () {
  "use strict";
  var button = document.getElementById("fullscreen");
  if (!button || !document.fullscreenEnabled) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else { document.documentElement.requestFullscreen(); }
  });
})();
