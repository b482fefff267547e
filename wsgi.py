"""Entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`.

FLASK_CONFIG picks the configuration class from config.py (default: Config,
which is production and needs SECRET_KEY; `make run` uses DevelopmentConfig).
"""

import os

import config
from app import create_app

app = create_app(getattr(config, os.environ.get("FLASK_CONFIG", "Config")))
