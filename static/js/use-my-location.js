// "Use my location": fills the hidden latitude and longitude fields and submits the search.
// Only shown where the browser can do it; the form works the same without it.
(function () {
  "use strict";
  var button = document.querySelector("[data-use-location]");
  if (!button || !("geolocation" in navigator)) return;
  var form = button.closest("form");
  var status = document.querySelector("[data-location-status]");
  button.parentElement.hidden = false;
  button.addEventListener("click", function () {
    // The words come from the page, in its language.
    status.textContent = status.getAttribute("data-finding");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("#id_lat").value = position.coords.latitude.toFixed(4);
        form.querySelector("#id_lon").value = position.coords.longitude.toFixed(4);
        form.querySelectorAll("[data-location-text]").forEach(function (input) {
          input.value = "";
        });
        form.submit();
      },
      function () {
        status.textContent = status.getAttribute("data-failed");
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
