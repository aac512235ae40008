"""Reader for the held-out boilerplate fragments (tests/data/boilerplate_heldout/<lang>.txt).

Each file holds fragments headed ``=== <name>``; every line of a fragment is ``+ <text>`` (article
text: headline, subheading or paragraph, must stay) or ``- <text>`` (page boilerplate, must go).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HELDOUT = Path(__file__).resolve().parent / "data" / "boilerplate_heldout"


@dataclass(frozen=True)
class Fragment:
    name: str
    lines: tuple[str, ...]
    keep: tuple[bool, ...]  # gold: True for article lines


def load_fragments(folder: Path = HELDOUT) -> list[Fragment]:
    """All fragments of all language files, in file and then document order."""
    out: list[Fragment] = []
    for path in sorted(folder.glob("*.txt")):
        name, lines, keep = "", [], []
        for raw in [*path.read_text(encoding="utf-8").splitlines(), "=== "]:
            if raw.startswith("=== "):
                if lines:
                    out.append(Fragment(name, tuple(lines), tuple(keep)))
                name, lines, keep = raw[4:].strip(), [], []
            elif raw.strip():
                mark, text = raw[:2], raw[2:]
                if mark not in ("+ ", "- ") or not text.strip():
                    raise ValueError(f"{path.name}: line must start with '+ ' or '- ': {raw!r}")
                lines.append(text)
                keep.append(mark == "+ ")
    return out
