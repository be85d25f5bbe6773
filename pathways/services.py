"""One call from a validated request to a plan: adapter, then engine. Shared by API and pages."""

from directory import geo

from . import adapter, engine


def plan_for(request_data: dict) -> engine.Plan:
    """`request_data` is PathwayRequestSerializer's validated data."""
    origin: geo.ResolvedLocation = request_data["origin"]
    situation = engine.Situation(
        at=request_data["at"],
        nation=request_data["nation"],
        has_location=origin is not None,
        languages=request_data["languages"],
        needs=request_data["needs"],
        urgency=request_data["urgency"],
        mha_status=request_data.get("mha_status"),
        age=request_data.get("age"),
        gender=request_data.get("gender"),
        communities=request_data["communities"],
        faith=request_data["faith"] or None,
        prefer=request_data["prefer"],
        max_distance_km=request_data["max_distance_km"],
        mode=request_data["mode"],
    )
    needs = situation.needs
    if situation.urgency == "crisis_now" and "crisis_now" not in needs:
        needs = (*needs, "crisis_now")
    candidates = adapter.candidates_near(origin, situation.max_distance_km, needs)
    return engine.build_plan(situation, candidates)
