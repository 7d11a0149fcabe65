"""Assessment: target attainment, 0–100 scores with floor and target, domain and overall scores, standing among
divisions of the same level, improvement versus a baseline year under the same standard edition, and
SDG-dashboard-style trajectories — as vectorised functions on tidy tables (``division_code, indicator, year,
value``), plus the service API (:mod:`pioneer.assessment.service`) the web layer and CLI call.

Method and thresholds: ``docs/indicators.md``.
"""

from pioneer.assessment.progress import TRAJECTORY_CLASSES, improvement, trajectory
from pioneer.assessment.scores import attainment, domain_scores, overall_scores, score_bounds, scores
from pioneer.assessment.standing import division_level, standing

__all__ = [
    "TRAJECTORY_CLASSES",
    "attainment",
    "division_level",
    "domain_scores",
    "improvement",
    "overall_scores",
    "score_bounds",
    "scores",
    "standing",
    "trajectory",
]
