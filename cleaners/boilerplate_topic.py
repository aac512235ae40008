"""Topic continuity between the article's main block and the other blocks of good lines.

An article interrupted by a video player, a gallery or an advert block splits into several blocks of
good lines; a block that talks about what the main block talks about (most of its content words occur
there) continues the article. Related-story blurbs, other articles and site blurbs share few content
words with it. Cheap: one tokenising pass over the good lines of the blocks compared.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaners.line_features import content_stems


def block_stems(texts: Sequence[str], stop: frozenset[str], prefix: int, budget: int) -> set[str]:
    """Content-word stems of a block's good lines (their first ``budget`` characters: enough to know
    the topic, and the cost stays bounded on long pages)."""
    stems: set[str] = set()
    for t in texts:
        stems |= content_stems(t[:budget], stop, prefix)
        budget -= len(t)
        if budget <= 0:
            break
    return stems


def continues(
    texts: Sequence[str], main: set[str], stop: frozenset[str], prefix: int, budget: int, min_share: float
) -> bool:
    """Whether a block (its good lines' texts) shares at least ``min_share`` of its content words with
    the main block's ``main`` stems."""
    stems = block_stems(texts, stop, prefix, budget)
    if not stems:
        return False
    return len(stems & main) >= min_share * len(stems)
