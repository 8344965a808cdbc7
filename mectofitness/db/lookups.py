"""Lookups PostgreSQL answers better than Django's own."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """``column = ANY(array)``: many ids as one array parameter, not a placeholder each
    as ``__in`` writes them. Ten thousand ids spliced in one by one cost psycopg half a
    second, and a subquery of ``unnest`` made the planner loop over it per row; an array
    parameter is sent as one value and PostgreSQL hashes it. Used as an expression:
    ``Client.objects.filter(AnyOf(F("pk"), ids))``; ``ids`` may be given already
    written (``id_array(ids)``) when many queries share them."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs if isinstance(self.rhs, str) else id_array(self.rhs)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, ids)


def id_array(ids) -> str:
    """``ids`` as a PostgreSQL array literal ("{1,2,3}")."""
    return "{" + ",".join(str(int(value)) for value in ids) + "}"
