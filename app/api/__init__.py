"""The REST API, ``/api/v1``: the plan's resources for scripts and other tools,
signed in with personal access tokens (docs/api.md).

Built with flask-smorest: marshmallow schemas check every body and query string
and make the OpenAPI 3 document (``/api/v1/openapi.json``); the interactive
reference (``/api/v1/docs``) is Swagger UI, served by the app itself. Every
error is problem+json (app.api.problems); one request is one transaction
(app.transaction)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Blueprint, Flask, current_app, render_template, send_from_directory
from flask_smorest import Api as _Api

from app.api.problems import PROBLEM_TYPE
from app.api.schemas import Problem
from app.extensions import csrf

SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)
DOC_ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})


class Api(_Api):
    """flask-smorest's Api, leaving errors to the app's handler (problem+json on
    the API's paths, pages elsewhere), and saying so in the document."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self) -> None:
        pass

    def _openapi_json(self):
        return current_app.response_class(
            json.dumps(as_problems(self.spec.to_dict())), mimetype="application/json"
        )


def as_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """The document with every error response (4xx, 5xx, default, and the shared
    ones in components, which are all errors) as problem+json."""

    def fix(responses: dict[str, Any], every: bool) -> None:
        for code, response in responses.items():
            content = response.get("content") if isinstance(response, dict) else None
            is_error = every or code == "default" or code[:1] in "45"
            if content and is_error and "application/json" in content:
                content[PROBLEM_TYPE] = content.pop("application/json")

    fix(spec.get("components", {}).get("responses", {}), every=True)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                fix(operation["responses"], every=False)
    return spec


api = Api()
docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")


# Swagger UI sets style attributes as it draws: allowed on this page alone.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@docs.route("/docs")
def reference():
    return render_template("api/docs.html"), 200, {"Content-Security-Policy": DOCS_POLICY}


@docs.route("/docs/assets/<name>")
def asset(name: str):
    if name not in DOC_ASSETS:
        return "", 404
    return send_from_directory(SWAGGER_UI, name, max_age=86400)


def init_api(app: Flask) -> None:
    config = app.config
    config.setdefault("API_TITLE", "Roadmap alignment API")
    config.setdefault("API_VERSION", "v1")
    config.setdefault("OPENAPI_VERSION", "3.0.3")
    config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "The plan's teams, periods, items, dependencies, status "
                "updates and conflicts. Sign in with a personal access token: "
                "`Authorization: Bearer <token>` (make one on your account page). "
                "Errors are application/problem+json. See docs/api.md."
            },
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "security": [{"token": []}],
        },
    )
    api.init_app(app)
    from app.api import (
        conflicts,
        dependencies,
        history,
        items,
        plan,
        status_updates,
        teams,
        webhooks,
    )

    resources = (items, history, dependencies, status_updates, teams, conflicts, plan, webhooks)
    for module in resources:
        api.register_blueprint(module.blp)
    app.register_blueprint(docs)
    csrf.exempt(docs)
