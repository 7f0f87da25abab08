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

  function state() {
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
      var known = states[Math.min(picked.length, states.length - 1)];
      if (!known) return null;
      text = known.text;
      over = known.over;
    }
    return { picked: picked, text: text, over: over };
  }

  function update() {
    var now = state();
    if (!now) return;
    var text = now.text;
    var over = now.over;
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

  // The summary on this page (voting/ballot.html) instead of the server's summary page: the
  // same table, then "Je confirme" sends this very form to the confirmation. While it shows,
  // the choices are inert, so what is confirmed is what the summary shows. A ballot the
  // counter flags, or one with too few choices, still goes to the server, which says why.
  var form = document.getElementById("formulaire-bulletin");
  var summary = document.getElementById("recapitulatif");
  var choices = document.getElementById("choix-bulletin");
  var check = document.getElementById("verifier-bulletin");
  var modify = document.getElementById("modifier-bulletin");
  if (!form || !summary || !choices || !check || !modify) return;
  var least = parseInt(ballot.dataset.least || "1", 10);
  var steps = Array.from(document.querySelectorAll(".progress li"));

  function step(number) {
    steps.forEach(function (item, index) {
      var current = index === number - 1;
      item.classList.toggle("progress-current", current);
      if (current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
  }

  function row(input) {
    var line = document.createElement("tr");
    var title = document.createElement("th");
    title.scope = "row";
    var label = document.querySelector('label[for="' + input.id + '"]');
    title.textContent = label ? label.textContent.trim() : input.value;
    var category = document.createElement("td");
    var group = input.closest("[data-category]");
    category.textContent = group ? group.dataset.category : "";
    var amount = document.createElement("td");
    amount.className = "num";
    amount.textContent = euros.format(parseFloat(input.dataset.amount || "0"));
    line.append(title, category, amount);
    return line;
  }

  form.addEventListener("submit", function (event) {
    // A browser that does not say which button sent the form gets the server's summary.
    if (!("submitter" in event) || !event.submitter) return;
    if (event.submitter.hasAttribute("formaction")) return; // the confirmation itself
    var now = state();
    if (!now || now.over || now.picked.length < least) return; // the server explains
    event.preventDefault();
    var body = summary.querySelector("tbody");
    body.replaceChildren.apply(body, now.picked.map(row));
    document.getElementById("recapitulatif-compteur").textContent = now.text;
    choices.inert = true;
    check.hidden = true;
    summary.hidden = false;
    step(4);
    summary.focus();
  });

  modify.addEventListener("click", function () {
    summary.hidden = true;
    choices.inert = false;
    check.hidden = false;
    step(3);
    var first = chosen()[0] || ballot.querySelector("input, select");
    if (first) first.focus();
  });
})();
