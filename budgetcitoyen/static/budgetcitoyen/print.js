// "Imprimer" buttons and links (data-print): a file rather than an onclick attribute, so the
// Content-Security-Policy can forbid every inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });
})();
