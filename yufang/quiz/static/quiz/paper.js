// The countdown shown on a quiz paper. The server keeps the time (it refuses late answers); this
// only shows what is left and hands the paper in when it runs out.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("quiz-timer");
    var form = document.getElementById("quiz-paper");
    if (!el || !form) return;
    var left = parseInt(el.getAttribute("data-seconds"), 10) || 0;
    var end = Date.now() + left * 1000;
    var sent = false;
    function tick() {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = Math.floor(s / 60) + " 分 " + (s % 60) + " 秒";
      if (s <= 0 && !sent) {
        sent = true;
        form.submit();
        return;
      }
      if (s > 0) window.setTimeout(tick, 1000);
    }
    form.addEventListener("submit", function () { sent = true; });
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
