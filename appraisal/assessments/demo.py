"""Demo data for self-assessments (called by seed_demo)."""

from appraisal.registry.models import Period


def seed_demo_assessments(period: Period) -> None:
    """Give units assessments in every self-assessment state. Filled in by the self-assessment work."""
