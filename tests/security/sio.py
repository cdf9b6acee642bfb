"""The shared socket.io test client (tests/sio_client.py), with a shorter quiet wait for the many short attacks."""
from __future__ import annotations

from typing import Any, Dict, List

from tests.sio_client import aconverse, texts  # noqa: F401  (re-exported)
from tests.sio_client import converse as _converse


def converse(url: str, messages: List[Any], **kwargs: Any) -> List[List[Dict[str, Any]]]:
    kwargs.setdefault("quiet", 0.5)
    return _converse(url, messages, **kwargs)
