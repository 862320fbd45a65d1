(function () {
  "use strict";
  var claims = Array.prototype.slice.call(document.querySelectorAll("article.claim"));
  var verdict = document.getElementById("filter-verdict");
  var code = document.getElementById("filter-code");
  var payer = document.getElementById("filter-payer");
  var shown = document.getElementById("shown-count");

  function choose(select, value) {
    var known = Array.prototype.some.call(select.options, function (option) { return option.value === value; });
    select.value = known ? value : "";
  }

  function apply() {
    var count = 0;
    claims.forEach(function (claim) {
      var visible = (!verdict.value || claim.dataset.verdict === verdict.value) &&
        (!code.value || claim.dataset.codes.split(" ").indexOf(code.value) >= 0) &&
        (!payer.value || claim.dataset.payer === payer.value);
      claim.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = String(count);
  }

  [verdict, code, payer].forEach(function (select) { select.addEventListener("change", apply); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-verdict-filter]"), function (button) {
    button.addEventListener("click", function () { choose(verdict, button.dataset.verdictFilter); apply(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-code-filter]"), function (bar) {
    bar.addEventListener("click", function () { choose(code, bar.getAttribute("data-code-filter")); apply(); });
  });
  document.getElementById("filter-reset").addEventListener("click", function () {
    verdict.value = ""; code.value = ""; payer.value = ""; apply();
  });
  apply();
}());
