"""import-linter contracts of our own (``make lint`` runs ``lint-imports``).

``no_cycles``: no module of the given packages imports itself back through other
modules: no import cycle, counted from every import, those written inside
functions included (grimp sees them). A contract, not a test: it runs in
``make lint`` with the layer contracts in pyproject.toml.
"""

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class NoCyclesContract(Contract):
    type_name = "no_cycles"

    modules = fields.ListField(subfield=fields.ModuleField())
    ignore_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        skip = [str(part) for part in (self.ignore_modules or [])]  # type: ignore[union-attr]
        names = set()
        for package in self.modules:  # type: ignore[attr-defined]
            names |= {package.name} | graph.find_descendants(package.name)
        names = {n for n in names if not any(part in n.split(".") for part in skip)}
        cycles = _strongly_connected(
            {
                n: [m for m in graph.find_modules_directly_imported_by(n) if m in names]
                for n in names
            }
        )
        chains = [sorted(cycle) for cycle in cycles]
        return ContractCheck(kept=not chains, metadata={"cycles": chains})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"These modules import each other: {', '.join(cycle)}")
            output.new_line()


def _strongly_connected(edges: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, without recursion: the groups of two or more modules that
    reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found
