// Live counter of the ballot page ("2 choix sur 3", or the amount left). The page works
// without it: the server shows the same counter after each check and judges the ballot.
// Its lines come from the server (the page's language and plurals): "compteur-etats" holds
// the counter for each number of choices, "compteur-reste" the budget's two sentences.
(function () {
  "use strict";
  var ballot = document.querySelector(".ballot");
  var counter = document.getElementById("compteur");
  if (!ballot || !counter) return;
  // The rule's counter style (ballots/rules.py, BallotRule.counter_style), not its code: a new
  // rule reuses one of these counters without a change here.
  var style = ballot.dataset.counter;
  var budget = ballot.dataset.budget ? parseFloat(ballot.dataset.budget) : null;
  var lang = document.documentElement.lang || "fr";
  var euros = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var statesNode = document.getElementById("compteur-etats");
  var states = statesNode ? JSON.parse(statesNode.textContent) : [];
  var sentences = document.getElementById("compteur-reste");
  var submits = Array.from(document.querySelectorAll("form button[type=submit]"));

  function chosen() {
    var ranked = Array.from(ballot.querySelectorAll("select")).filter(function (s) { return s.value !== ""; });
    var checked = Array.from(ballot.querySelectorAll("input:checked")).filter(function (i) { return i.value !== ""; });
    return ranked.concat(checked);
  }

  function update() {
    var picked = chosen();
    var text;
    var over = false;
    if (style === "budget" && sentences) {
      var total = picked.reduce(function (sum, el) { return sum + parseFloat(el.dataset.amount || "0"); }, 0);
      var left = budget - total;
      over = left < 0;
      text = (over ? sentences.dataset.over : sentences.dataset.left)
        .replace("%(amount)s", euros.format(Math.abs(left)))
        .replace("%(budget)s", euros.format(budget));
    } else {
      var state = states[Math.min(picked.length, states.length - 1)];
      if (!state) return;
      text = state.text;
      over = state.over;
    }
    counter.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = text;
    counter.appendChild(strong);
    // Over the maximum: flagged (colour and words) and said at once; the server refuses it too.
    counter.classList.toggle("ballot-counter-over", over);
    counter.setAttribute("aria-live", over ? "assertive" : "polite");
    submits.forEach(function (button) {
      if (over) button.setAttribute("aria-describedby", "compteur");
      else button.removeAttribute("aria-describedby");
    });
  }

  ballot.addEventListener("change", update);
})();
