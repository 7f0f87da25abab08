// The budget step warns while the amount is typed when it is over the wished category's cap
// per project. The page works without it: the same warning is shown once the step is saved,
// and submission refuses such a dossier (dossiers/rules.py, category_cap_error).
(function () {
  "use strict";
  var alert = document.getElementById("alerte-plafond");
  var input = document.getElementById("id_amount_requested");
  if (!alert || !input || !alert.dataset.cap) return;
  var cap = parseFloat(alert.dataset.cap);
  var lang = document.documentElement.lang || "fr";
  var euros = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 2 });

  // "12 000,50 €", "12000.5": the ways of typing an amount the server reads too.
  function amount(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
    return parseFloat(cleaned);
  }

  function update() {
    var value = amount(input.value);
    var over = value !== null && value > cap;
    var shown = alert.querySelector("p");
    if (!over) {
      if (shown) alert.removeChild(shown);
      return;
    }
    var text = alert.dataset.template.replace("%(amount)s", euros.format(value));
    if (shown && shown.textContent === text) return;
    var p = document.createElement("p");
    p.className = "message message-warning";
    p.textContent = text;
    alert.innerHTML = "";
    alert.appendChild(p);
  }

  var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (described.indexOf("alerte-plafond") === -1) described.push("alerte-plafond");
  input.setAttribute("aria-describedby", described.join(" "));
  input.addEventListener("input", update);
})();
