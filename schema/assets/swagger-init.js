// Starts Swagger UI over the document named by the page (data-schema-url). It is a file,
// not an inline script, so that the page's Content-Security-Policy forbids inline scripts.
"use strict";
(function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The bearer token given to Authorize survives a reload of the page.
    persistAuthorization: true,
    displayOperationId: true,
    // No badge fetched from validator.swagger.io: the page talks to this server only.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
