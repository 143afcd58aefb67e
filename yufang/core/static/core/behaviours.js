// Small page behaviours declared in the markup, so that no template needs inline script or
// event-handler attributes (the Content-Security-Policy allows scripts from static files only).
//   <form data-confirm="...">    asks before submitting
//   <select data-autosubmit>      submits its form when changed
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});
