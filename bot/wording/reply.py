"""A reply the assistant sends: text plus optional buttons, independent of any channel."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.wording.format import typo


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    text: str
    buttons: List[Button] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None

    def as_message(self) -> Dict[str, Any]:
        """Keyword arguments for ``dispatcher.utter_message``."""
        # one line = one paragraph: chat widgets render Markdown, where a single newline is no break
        text = "\n\n".join(line for line in typo(self.text).split("\n") if line.strip())
        message: Dict[str, Any] = {"text": text}
        if self.buttons:
            message["buttons"] = [{"title": typo(b.title), "payload": b.payload} for b in self.buttons]
        if self.custom:
            message["json_message"] = self.custom
        return message


def join(*parts: Optional[str]) -> str:
    """Join sentences, skipping empty parts."""
    return " ".join(p.strip() for p in parts if p and p.strip())
