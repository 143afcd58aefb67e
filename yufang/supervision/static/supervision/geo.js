// On-site photos: the phone's position, when the inspector allows it, goes with the upload.
(function () {
  "use strict";
  document.querySelectorAll("form[data-geo]").forEach(function (form) {
    if (!navigator.geolocation) return;
    form.querySelector("input[type=file]").addEventListener("change", function () {
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          form.querySelector("input[name=latitude]").value = pos.coords.latitude.toFixed(6);
          form.querySelector("input[name=longitude]").value = pos.coords.longitude.toFixed(6);
        },
        function () {},
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
      );
    });
  });
})();
