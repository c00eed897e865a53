"""``--color auto|always|never``, kept apart from the renderers so that setting it loads nothing.

(``query --json`` sets it too, and must not import Rich or the terminal views.)
"""

from __future__ import annotations

COLOR_MODES = ("auto", "always", "never")
_color = "auto"


def set_color(mode: str) -> None:
    """``--color``: auto (colour on a terminal, unless NO_COLOR is set), always (even piped), never."""
    global _color
    if mode not in COLOR_MODES:
        raise ValueError(f"--color is one of {', '.join(COLOR_MODES)}")
    _color = mode


def color_options() -> dict:
    """Rich Console arguments for the ``--color`` mode; auto leaves it to Rich (TTY, NO_COLOR, FORCE_COLOR)."""
    if _color == "always":
        return {"force_terminal": True, "no_color": False}
    if _color == "never":
        return {"no_color": True, "color_system": None}
    return {}
