// The dashboard's only script: pages that ask for it (<body data-refresh="SECONDS">)
// reload themselves, unless the operator is typing into a form.
"use strict";
(function () {
  var secs = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  if (!(secs > 0)) {
    return;
  }
  setInterval(function () {
    var a = document.activeElement;
    if (a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA")) {
      return;
    }
    location.reload();
  }, secs * 1000);
})();
