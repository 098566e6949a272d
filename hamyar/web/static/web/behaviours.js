/* Small behaviours written as data attributes, never as inline handlers (onclick=…), which the
   Content-Security-Policy forbids:
   - data-autosubmit on a field: changing it submits its form (a filter's select);
   - data-remove-row on a button: removes the table row it is in (a line of a form being written);
   - data-change-stays on a field: its change event does not reach its form (a search box that asks as
     one types, in a form that asks again on every other field's change). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-change-stays]")) { event.stopPropagation(); }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) {
      field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-row]");
    if (button) {
      var row = button.closest("tr");
      if (row) { row.remove(); }
    }
  });
})();
