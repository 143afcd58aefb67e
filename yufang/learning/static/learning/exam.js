// The exam page's countdown (the server keeps the real time limit).
(function () {
  var el = document.getElementById("left");
  if (!el) return;
  var s = +el.dataset.seconds;
  setInterval(function () { s = Math.max(0, s - 1); el.textContent = s; }, 1000);
})();
