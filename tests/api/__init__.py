"""The API tests (a package, so that their module names never clash with tests/web)."""
