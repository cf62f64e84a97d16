"""Starting and stopping the on-submit grading service: ``python -m grader serve`` (the hub runs it)."""

from __future__ import annotations

import signal
import sys
import threading
import time

from ..course import Course
from .service import Service, ServiceError


def _log(line: str) -> None:
    print("%s %s" % (time.strftime("%Y-%m-%d %H:%M:%S"), line), flush=True)


def serve(course: Course, web: bool = True) -> int:
    """Run the service until SIGTERM or SIGINT; the page through the hub too when the hub started it."""
    try:
        service = Service(course, log=_log)
    except ServiceError as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    failure: list[BaseException] = []

    def loop() -> None:
        try:
            service.run()
        except BaseException as exc:   # reported below; the hub starts the service again
            failure.append(exc)
            stop()

    loop_thread = threading.Thread(target=loop, name="grading-service", daemon=True)
    server = None
    ioloop = None
    if web:
        from tornado.ioloop import IOLoop

        from .web import listen

        server = listen(service)
        ioloop = IOLoop.current() if server else None

    def stop(*_args) -> None:
        service.stop()
        if ioloop is not None:
            ioloop.add_callback_from_signal(ioloop.stop)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _log("grading service for %s: %d workers, exchange inbound %s" % (course.root, service.workers,
                                                                      service.inbox.inbound))
    loop_thread.start()
    if ioloop is not None:
        ioloop.start()
    else:
        while loop_thread.is_alive():
            loop_thread.join(0.5)
    service.stop()
    loop_thread.join(60)
    service.close()
    if failure:
        print("error: %s" % failure[0], file=sys.stderr)
        return 1
    _log("grading service stopped")
    return 0
