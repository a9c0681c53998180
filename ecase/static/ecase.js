// Behaviour every page may use, declared in the markup (the Content-Security-Policy
// allows no inline script or event handler):
//   <select data-autosubmit>  submits its form when changed;
//   <a data-back href="…">    goes back in the history (the href is the way without it).
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
  });
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
})();
