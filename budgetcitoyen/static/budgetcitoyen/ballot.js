// Live counter of the ballot page ("2 choix sur 3", or the amount left). The page works
// without it: the server shows the same counter after each check and judges the ballot.
(function () {
  "use strict";
  var ballot = document.querySelector(".ballot");
  var counter = document.getElementById("compteur");
  if (!ballot || !counter) return;
  // The rule's counter style (voting/rules.py, BallotRule.counter_style), not its code: a new
  // rule reuses one of these counters without a change here.
  var style = ballot.dataset.counter;
  var max = ballot.dataset.max ? parseInt(ballot.dataset.max, 10) : null;
  var budget = ballot.dataset.budget ? parseFloat(ballot.dataset.budget) : null;
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var categories = new Set(Array.from(ballot.querySelectorAll("input[type=radio]")).map(function (r) { return r.name; }));

  function chosen() {
    var ranked = Array.from(ballot.querySelectorAll("select")).filter(function (s) { return s.value !== ""; });
    var checked = Array.from(ballot.querySelectorAll("input:checked")).filter(function (i) { return i.value !== ""; });
    return ranked.concat(checked);
  }

  function update() {
    var picked = chosen();
    var text;
    if (style === "budget") {
      var total = picked.reduce(function (sum, el) { return sum + parseFloat(el.dataset.amount || "0"); }, 0);
      var left = budget - total;
      text = left < 0 ? "Dépassement du budget : " + euros.format(-left) + " de trop"
                      : "Il vous reste " + euros.format(left) + " sur " + euros.format(budget);
    } else if (style === "categories") {
      text = picked.length + " catégorie(s) sur " + categories.size;
    } else if (max === null) {
      text = picked.length + " choix";
    } else {
      text = picked.length + " choix sur " + max;
    }
    counter.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = text;
    counter.appendChild(strong);
  }

  ballot.addEventListener("change", update);
})();
