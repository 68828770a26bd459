// Swagger UI over the server's own description; a file of its own because the CSP forbids inline scripts.
(function () {
  "use strict";
  var alvo = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: alvo.dataset.especificacao,
    domNode: alvo,
    deepLinking: true,
  });
})();
