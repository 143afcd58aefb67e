// Small page behaviours declared in the markup, so that no template needs inline script or
// event-handler attributes (the Content-Security-Policy allows scripts from static files only).
//   <form data-confirm="...">    asks before submitting
//   <select data-autosubmit>      submits its form when changed
//   <button data-fill="#id" data-fill-value="...">  puts the value into that field
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-fill]");
  if (!button) return;
  var field = document.querySelector(button.getAttribute("data-fill"));
  if (!field) return;
  field.value = button.getAttribute("data-fill-value") || "";
  field.dispatchEvent(new Event("change", { bubbles: true }));
  field.focus();
});
