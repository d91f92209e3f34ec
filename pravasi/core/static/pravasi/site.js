// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Without JavaScript the menu simply stays open; with it, small screens get a toggle.
  document.querySelectorAll("[data-toggle-target]").forEach(function (button) {
    var menu = document.querySelector(button.getAttribute("data-toggle-target"));
    if (menu) menu.classList.add("collapse");
    button.addEventListener("click", function () {
      var target = document.querySelector(button.getAttribute("data-toggle-target"));
      if (!target) return;
      var open = target.classList.toggle("show");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  var language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () { language.form.submit(); });
  }
});
