// The budget step warns while the amount is typed when it is over the wished category's cap
// per project, and the category step warns as soon as a category whose cap is below the saved
// amount is chosen. The page works without it: the same warning is shown once the step is
// saved, and submission refuses such a dossier (dossiers/rules.py, category_cap_error).
(function () {
  "use strict";
  var alert = document.getElementById("alerte-plafond");
  if (!alert || !alert.dataset.template) return;
  var lang = document.documentElement.lang || "fr";
  var euros = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 2 });

  // "12 000,50 €", "12000.5": the ways of typing an amount the server reads too.
  function amount(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
    return parseFloat(cleaned);
  }

  function show(text) {
    var shown = alert.querySelector("p");
    if (text === null) {
      if (shown) alert.removeChild(shown);
      return;
    }
    if (shown && shown.textContent === text) return;
    var p = document.createElement("p");
    p.className = "message message-warning";
    p.textContent = text;
    alert.innerHTML = "";
    alert.appendChild(p);
  }

  function describe(input) {
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf("alerte-plafond") === -1) described.push("alerte-plafond");
    input.setAttribute("aria-describedby", described.join(" "));
  }

  var input = document.getElementById("id_amount_requested");
  if (input && alert.dataset.cap) {
    // The budget step: one category, the amount typed.
    var cap = parseFloat(alert.dataset.cap);
    describe(input);
    input.addEventListener("input", function () {
      var value = amount(input.value);
      show(value !== null && value > cap ? alert.dataset.template.replace("%(amount)s", euros.format(value)) : null);
    });
    return;
  }

  var data = document.getElementById("plafonds-categories");
  if (!data) return;
  // The category step: the saved amount, the category chosen.
  var caps = JSON.parse(data.textContent);
  if (caps.amount === null) return;
  var saved = parseFloat(caps.amount);
  var radios = document.querySelectorAll('input[name="wished_category"]');
  function update() {
    var checked = document.querySelector('input[name="wished_category"]:checked');
    var category = checked ? caps.categories[checked.value] : null;
    if (!category || saved <= parseFloat(category.cap)) {
      show(null);
      return;
    }
    show(
      alert.dataset.template
        .replace("%(amount)s", euros.format(saved))
        .replace("%(category)s", category.name)
        .replace("%(cap)s", euros.format(parseFloat(category.cap)))
    );
  }
  for (var i = 0; i < radios.length; i++) {
    describe(radios[i]);
    radios[i].addEventListener("change", update);
  }
})();
