// Progressive enhancement only: every page works without this file.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches("[data-autosubmit]")) {
    target.form.requestSubmit();
  }
});
