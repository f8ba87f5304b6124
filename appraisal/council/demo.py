"""Demo data for the council (called by seed_demo)."""

from appraisal.registry.models import Period


def seed_demo_council(period: Period) -> None:
    """Council, assignments and units at every appraisal stage. Filled in by the council work."""
