// The API reference: Swagger UI over the app's own OpenAPI document.
const target = document.getElementById("reference");
window.SwaggerUIBundle({
  url: target.dataset.spec,
  domNode: target,
  deepLinking: true,
  persistAuthorization: false,
});
