"""The station web console for officers (`kiosk serve`): FastAPI, server-rendered Jinja2 pages.

Outer ring, like `db/` and `ui/`: built by the composition root (`kiosk.app.root.build_console`),
it calls the core (`kiosk.desk`, `kiosk.officers`, `kiosk.audit`) and never the database.
"""
