"""The application factory."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

import config as config_module
from app import filters, jobs
from app.api.problems import from_http_exception
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.guards import guard_requests
from app.transaction import App
from app.web import IdConverter, wants_json

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_class: type = config_module.Config) -> App:
    app = App(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    app.url_map.converters["int"] = IdConverter
    if not app.config.get("SECRET_KEY") and not (app.debug or app.testing):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random string before serving in production."
        )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    guard_requests(app)
    jobs.init_app(app)
    filters.init_app(app)

    from app import audit, plan_store  # noqa: F401  (their flush listeners: audit, plan revision)
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.dashboard import bp as dashboard_bp
    from app.importing import bp as importing_bp
    from app.main import bp as main_bp
    from app.notifications import bp as notifications_bp
    from app.notifications import events as notification_events  # noqa: F401  (its listener)
    from app.planning import bp as planning_bp
    from app.roadmap import bp as roadmap_bp
    from app.scenarios import bp as scenarios_bp
    from app.status import bp as status_bp
    from app.webhooks import bp as webhooks_bp
    from app.webhooks import events as webhook_events  # noqa: F401  (its transaction listeners)

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(roadmap_bp)
    app.register_blueprint(scenarios_bp)
    app.register_blueprint(status_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(importing_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(webhooks_bp)

    from app.api import init_api

    init_api(app)

    from app.cli import register_cli

    register_cli(app)
    _register_request_hooks(app)
    return app


def _register_request_hooks(app: App) -> None:
    from app.permissions import can

    @app.context_processor
    def _permissions():
        from flask_login import current_user

        return {"can": lambda action, obj=None: can(current_user, action, obj)}

    @app.after_request
    def _secure(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not app.debug and not app.testing:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        db.session.rollback()
        if request.path.startswith("/api/"):
            return from_http_exception(exc)
        if wants_json():
            return jsonify(error=exc.name, message=exc.description), exc.code
        return render_template("error.html", error=exc), exc.code
