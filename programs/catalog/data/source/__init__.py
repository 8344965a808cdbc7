# ruff: noqa: E501  (data: one exercise per call, long text lines)
"""The authored catalog, written as Python for readability; ``build.py`` turns it into
``authored.json``, the file deployments load (``manage.py catalog_load``)."""

ENTRIES: list[dict] = []


def _split(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [part.strip() for part in value.split(",") if part.strip()]


def ex(
    name: str,
    category: str,
    pattern: str,
    primary,
    secondary,
    equipment,
    mechanics: str,
    force: str,
    level: str,
    steps: list[str],
    cues: list[str],
    aliases=(),
) -> None:
    ENTRIES.append(
        {
            "name": name,
            "aliases": list(aliases),
            "category": category,
            "movement_pattern": pattern,
            "primary_muscles": _split(primary),
            "secondary_muscles": _split(secondary),
            "equipment": _split(equipment),
            "mechanics": mechanics,
            "force": force,
            "level": level,
            "instructions": list(steps),
            "cues": list(cues),
        }
    )


def q(
    name,
    category,
    pattern,
    primary,
    secondary,
    equipment,
    mechanics,
    force,
    level,
    steps,
    cues,
    aliases="",
):
    """The compact form: steps, cues and aliases as ``|``-separated text."""
    ex(
        name,
        category,
        pattern,
        primary,
        secondary,
        equipment,
        mechanics,
        force,
        level,
        [s.strip() for s in steps.split("|") if s.strip()],
        [c.strip() for c in cues.split("|") if c.strip()],
        [a.strip() for a in aliases.split("|") if a.strip()],
    )
