"""A small HTTP listener on tornado, in the bot's own event loop, for anything that serves pages.

The webhook (`bot.serve.WebhookServer`), the health and metrics endpoints (`bot.health`) and
any other pages are tornado *rules*: `(pattern, handler class, init kwargs)`. A module that
serves something offers a function returning its rules; whoever runs the process puts the
rules it wants on one listener:

    listener = Listener(health.routes(checks) + other_routes, "127.0.0.1", 9090)
    port = await listener.start()      # binds; ServeError names the key when it cannot
    ...
    await listener.stop()

In webhook mode the rules go on the webhook's own listener (`WebhookServer(routes=...)`); in
polling mode on a listener of their own (`[health] listen`). Requests are logged at DEBUG when
they succeed, WARNING for 4xx and ERROR for 5xx, with method, path, client and time — never a
query string or a body.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Sequence
from typing import Any

import tornado.httpserver
import tornado.web

log = logging.getLogger(__name__)

# (path pattern, handler class, keyword arguments for its `initialize`)
Rule = tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]

MAX_BODY_SIZE = 1 << 20  # nothing served here takes a body above 1 MiB


class ListenError(Exception):
    """The listener cannot bind; the message is meant for a person."""


def log_request(handler: tornado.web.RequestHandler) -> None:
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    log.log(
        level,
        "%d %s %s (%s) %.1f ms",
        status,
        handler.request.method,
        handler.request.path,
        handler.request.remote_ip,
        1000.0 * handler.request.request_time(),
    )


def bind(host: str, port: int, backlog: int = 128) -> list[socket.socket]:
    """Listening sockets for every address `host` names (both of "localhost"), like tornado's
    `bind_sockets`, but a socket that cannot bind is closed, not left to the garbage collector.
    With port 0 every address gets the port the first one got."""
    sockets: list[socket.socket] = []
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
        seen: set[tuple[int, Any]] = set()
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            if port == 0 and sockets:
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.setblocking(False)
            sock.bind(address)
            sock.listen(backlog)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Listener:
    """One tornado HTTP server on `listen`:`port` serving `rules`, in the running event loop.

    `what` names the setting the address comes from, for the error when binding fails.
    Port 0 takes a free port (tests); `port` holds the bound one after `start`.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        listen: str = "127.0.0.1",
        port: int = 0,
        *,
        what: str = "listen",
        max_body_size: int = MAX_BODY_SIZE,
        xheaders: bool = True,
    ) -> None:
        self.rules = list(rules)
        self.listen = listen
        self.requested_port = port
        self.what = what
        self.max_body_size = max_body_size
        self.xheaders = xheaders
        self.port: int | None = None
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> int:
        """Bind and serve; returns the port. Raises ListenError when the address is taken or
        cannot be used."""
        if self._server is not None:
            assert self.port is not None
            return self.port
        application = tornado.web.Application(self.rules, log_function=log_request)
        try:
            sockets = bind(self.listen, self.requested_port)
        except OSError as exc:
            raise ListenError(
                f"kan inte lyssna på {self.listen}:{self.requested_port} "
                f"({self.what}): {exc.strerror or exc}"
            ) from exc
        server = tornado.httpserver.HTTPServer(
            application, xheaders=self.xheaders, max_body_size=self.max_body_size
        )
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    @property
    def running(self) -> bool:
        return self._server is not None

    async def stop(self) -> None:
        """Stop listening and close open connections (within five seconds)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.close_all_connections(), 5.0)
