// The event form's speakers: "Add a speaker" appends a blank row from the
// formset's empty form (without script, one blank row is always there).
(function () {
  "use strict";
  document.querySelectorAll("[data-speakers]").forEach(function (fieldset) {
    var list = fieldset.querySelector("[data-speaker-list]");
    var template = fieldset.querySelector("[data-speaker-template]");
    var button = fieldset.querySelector("[data-add-speaker]");
    var total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
    if (!list || !template || !button || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = list.lastElementChild;
      var order = row.querySelector('input[name$="-ORDER"]');
      if (order) order.value = String(list.children.length);
      var first = row.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    });
  });
})();
