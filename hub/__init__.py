"""The province hub: stations of a province deliver their dossiers here and pull statuses back.

`api` is the station API (a FastAPI router, signed requests only, `kiosk.request_signing`),
`service` what it does (enrolment, exactly-once acceptance, refusals audited), `serve` runs it
under uvicorn over PostgreSQL, `client` is the station's side (enrolment, the `hub` submission
target, the status pull). The hub's officer pages will join the console app (`console/`).
"""
