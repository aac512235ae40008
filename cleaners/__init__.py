"""Pure text-cleaning stages: text in, new text plus a list of edits out.

Nothing in this package does I/O or imports Prefect; ``flows`` composes the stages.
"""

from cleaners.edits import Edit, StageResult, apply_spans

__all__ = ["Edit", "StageResult", "apply_spans"]
