// <form data-confirm="确定…吗？">: the form is sent only after the user confirms (the
// Content-Security-Policy allows no inline onsubmit).
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
})();
