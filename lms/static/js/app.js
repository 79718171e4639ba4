/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // A second click on a submit button must not send the form twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () { form.dataset.submitting = ""; }, 5000);
  });

  // A timed diagnostic counts down on the page; the server enforces the limit whatever the page shows.
  var countdown = document.getElementById("countdown");
  var left = document.getElementById("time-left");
  if (countdown && left) {
    var end = Date.now() + 1000 * parseInt(countdown.dataset.seconds || "0", 10);
    var tick = function () {
      var seconds = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(seconds / 60), rest = seconds % 60;
      left.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
      left.setAttribute("datetime", "PT" + seconds + "S");
      if (seconds > 0) {
        window.setTimeout(tick, 1000);
        return;
      }
      countdown.classList.add("expired");
      countdown.setAttribute("role", "alert");
      countdown.textContent = countdown.dataset.expired;
      window.setTimeout(function () { window.location.reload(); }, 3000);
    };
    tick();
  }

  // A search box with data-filter="FORM-ID" hides, as one types, the check boxes of that form whose label does
  // not hold every word typed (the server's search, on submitting, does the same for the whole list).
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var form = document.getElementById(input.dataset.filter);
    if (!form) { return; }
    var fold = function (text) { return text.toLowerCase().replace(/ё/g, "е"); };
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      form.querySelectorAll("label.check").forEach(function (label) {
        var text = fold(label.textContent);
        var shown = words.every(function (word) { return text.indexOf(word) !== -1; });
        label.hidden = !shown;
      });
    });
  });

  // The menu collapses behind a button on narrow screens; without JS it stays open.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    document.documentElement.classList.add("js");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }
})();
