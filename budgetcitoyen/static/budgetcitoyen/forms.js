// A form sent back in error: move the focus to its error summary, which names and links each
// field to correct (templates/django/forms/_error_summary.html). Without JavaScript the summary
// is still announced (role="alert") and first in the form.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
