/* Starts Swagger UI for the API documentation page; its settings come from data attributes. */
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle === "undefined") {
    return;
  }
  var settings = {};
  try {
    settings = JSON.parse(root.dataset.settings || "{}");
  } catch (e) {
    settings = {};
  }
  var csrfHeader = root.dataset.csrfHeader || "X-CSRFToken";
  var csrfToken = root.dataset.csrfToken || "";
  var config = {
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The public validator is another host: never contact it.
    validatorUrl: null,
    requestInterceptor: function (request) {
      // Session-authenticated writes need Django's CSRF token.
      if (request.method && request.method !== "GET" && csrfToken) {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  };
  Object.keys(settings).forEach(function (key) {
    config[key] = settings[key];
  });
  window.ui = window.SwaggerUIBundle(config);
})();
