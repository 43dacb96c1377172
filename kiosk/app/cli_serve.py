"""`kiosk serve` (the officers' web console) and `kiosk index rebuild` (its search index).

    kiosk serve [--listen HOST:PORT]     the console on `console.listen`, HTTPS when
                                         `console.tls_cert` and `console.tls_key` are set
    kiosk index rebuild                  blind-index every stored dossier again (dossiers stored
                                         before the index existed, or after `kiosk keys init
                                         --replace-lost` of the index key): the dossier's
                                         tokens and its rows in `dossier_name_tokens` and
                                         `dossier_name_pairs`, also repaired where only those
                                         rows were lost. Upgrading to 0008 or 0012 needs no
                                         rebuild: the migrations copy the tokens already stored

Plain HTTP is refused on an address other than loopback: officers' passwords and citizens' data
would cross the station's network in the clear.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from kiosk.config import Config, ConfigError, load_config


def add_serve_commands(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="the officers' web console")
    serve.add_argument("--listen", metavar="HOST:PORT", help="instead of console.listen")
    serve.set_defaults(func=cmd_serve)
    index = subparsers.add_parser("index", help="the console's search index").add_subparsers(
        dest="index_command", required=True
    )
    index.add_parser("rebuild", help="index every stored dossier again").set_defaults(func=cmd_index_rebuild)


def _config(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None))


def split_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"'console.listen' must be HOST:PORT, got {listen!r}")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.app.root import build_console

    config = _config(args)
    host, port = split_listen(args.listen or config.console.listen)
    cert, key = config.console.tls_cert, config.console.tls_key
    if (cert is None) != (key is None):
        raise ConfigError("'console.tls_cert' and 'console.tls_key' go together: set both or neither")
    if cert is None and not is_loopback(host):
        raise ConfigError(
            f"the console would serve {host} over plain HTTP: set console.tls_cert and console.tls_key, "
            "or listen on 127.0.0.1"
        )
    app = build_console(config)
    scheme = "https" if cert else "http"
    print(f"console on {scheme}://{args.listen or config.console.listen}/", file=sys.stderr, flush=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        log_level="warning",
        server_header=False,
        proxy_headers=False,
    )
    return 0


def cmd_index_rebuild(args: argparse.Namespace) -> int:
    from kiosk.app.root import make_desk

    count = make_desk(_config(args)).rebuild_index()
    print(f"{count} dossier(s) indexed")
    return 0
