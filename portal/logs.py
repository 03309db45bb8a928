"""Structured logs: one JSON object per line, each tagged with the id of the request that wrote it."""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default=None)
# nginx passes its own $request_id; anything else a client sends is replaced, so log lines cannot be forged.
_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), keeps it for log records and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response


class JsonFormatter(logging.Formatter):
    """Time, level, logger, message, request id and exception text, as a single JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        # django.request and django.server attach the status code of the failed response.
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
