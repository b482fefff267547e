"""Plans to start from: the demo organisation (``flask seed demo``) and a synthetic
organisation of any size for benchmarks (``flask seed scale``). Both are built as
``roadmap-plan/1`` documents and written through ``app.plan_io.import_plan``."""
