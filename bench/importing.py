"""Importing from Jira at scale, on a database of its own:

- import_s: 10,000 Jira issues (search pages of 100, v3 shapes: document-format
  descriptions, fix versions, links) imported into an empty plan, in one process
  (read, map, build, write, commit);
- cli_s: the same through the whole ``flask import jira FILE...`` command (start-up
  included), into another empty database;
- dry_run_s: ``--dry-run`` of the same files over the imported plan (the preview,
  with the conflicts the plan would show);
- resync_s: importing the files again after a tenth of the issues changed.

Written to bench/results/importing.json.

    python -m bench.importing [--issues 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT

PAGE = 100
PLATFORMS = ("IDP", "PAYP", "DATA", "GATE", "INFRA")
PRODUCTS = ("CHK", "MOB", "ONB", "ANA", "WEB")
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
STATUSES = (("To Do", "new"), ("In Progress", "indeterminate"), ("Done", "done"))


def issues(count: int, seed: int = 7, changed: float = 0.0) -> list[dict]:
    """``count`` issues of ten projects, products needing platform work; with
    ``changed``, that share of them has a new title."""
    rng = random.Random(seed)
    projects = PLATFORMS + PRODUCTS
    keys = [f"{projects[n % len(projects)]}-{n // len(projects) + 1}" for n in range(count)]
    platform_keys = [k for k in keys if k.split("-")[0] in PLATFORMS]
    found = []
    for n, key in enumerate(keys):
        project = key.split("-")[0]
        quarter = rng.randrange(4)
        status, category = rng.choice(STATUSES)
        links = []
        if project in PRODUCTS:
            for other in rng.sample(platform_keys, 2):
                links.append(
                    {"type": {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
                     "inwardIssue": {"key": other}}
                )  # fmt: skip
        title = f"Work item {n}" + (" (changed)" if changed and n % round(1 / changed) == 0 else "")
        found.append(
            {
                "key": key,
                "self": f"https://bench.atlassian.net/rest/api/3/issue/{n}",
                "fields": {
                    "project": {"key": project, "name": f"Team {project}"},
                    "summary": title,
                    "description": {
                        "type": "doc",
                        "version": 1,
                        "content": [
                            {
                                "type": "paragraph",
                                "content": [{"type": "text", "text": f"About {key}."}],
                            }
                        ],
                    },  # fmt: skip
                    "priority": {"name": rng.choice(PRIORITIES)},
                    "status": {"name": status, "statusCategory": {"key": category}},
                    "resolution": None,
                    "created": "2026-09-01T09:00:00.000+0000",
                    "duedate": None,
                    "fixVersions": [
                        {
                            "name": f"2027.{quarter + 1}",
                            "releaseDate": f"2027-{3 * quarter + 3:02d}-20",
                        }
                    ],  # fmt: skip
                    "timeoriginalestimate": rng.randrange(1, 20) * 28800,
                    "assignee": {"displayName": f"Person {n % 97}"},
                    "issuelinks": links,
                },
            }
        )
    return found


def write_pages(directory: Path, found: list[dict]) -> list[str]:
    paths = []
    for start in range(0, len(found), PAGE):
        path = directory / f"page-{start // PAGE:04d}.json"
        path.write_text(json.dumps({"issues": found[start : start + PAGE]}), encoding="utf-8")
        paths.append(str(path))
    return paths


def _app(url: str):
    from app.extensions import db
    from bench.harness import bench_app

    app = bench_app(url)
    with app.app_context():
        db.create_all()
    return app


def in_process(url: str, paths: list[str], kind: str = "jira") -> float:
    from app.audit import acting_as
    from app.extensions import db
    from app.importing import operations
    from app.importing.issues import UploadedFile

    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        files = [UploadedFile(Path(p).name, Path(p).read_bytes()) for p in paths]
        with acting_as(None, "bench"):
            draft = operations.draft_from_files(kind, files)
            assert not draft.problems, draft.problems[:5]
            operations.write(draft, files=[f.name for f in files])
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return seconds


def cli(url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_CONFIG": "DevelopmentConfig"}
    if "--dry-run" not in args:
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "import", "jira", *args],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        pages = tmp_path / "pages"
        pages.mkdir()
        paths = write_pages(pages, issues(options.issues))
        results = {"issues": options.issues, "files": len(paths)}
        results["import_s"] = round(in_process(f"sqlite:///{tmp_path / 'a.db'}", paths), 2)
        url = f"sqlite:///{tmp_path / 'b.db'}"
        results["cli_s"] = round(cli(url, *paths), 2)
        out = str(tmp_path / "mapping.toml")
        results["dry_run_s"] = round(cli(url, *paths, "--dry-run", "--mapping-out", out), 2)
        changed = tmp_path / "changed"
        changed.mkdir()
        again = write_pages(changed, issues(options.issues, changed=0.1))
        results["resync_s"] = round(cli(url, *again), 2)
    out = ROOT / "bench" / "results" / "importing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
