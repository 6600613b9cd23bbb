"""A contract type of our own for import-linter (named in ``.importlinter``).

``public_api``: between the apps listed, a module of one app imports only the public modules of
another: its ``models``, ``services`` and ``selectors`` (in the app or in one of its
sub-packages, such as ``blason.issuing.awarding.selectors``), and the few others the contract
names (its ``hooks``, or one form-field helper). Everything else in an app is its own business,
so it can change without breaking another app. Direct imports are checked (the layers of
indirect ones are the other contracts' business); imports inside functions count, imports under
``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class PublicApiContract(Contract):
    type_name = "public_api"

    apps = fields.ListField(subfield=fields.StringField())
    public_names = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def _app_of(self, module: str) -> str | None:
        for app in self.apps:  # type: ignore[attr-defined]
            if module == app or module.startswith(app + "."):
                return str(app)
        return None

    def _is_public(self, module: str) -> bool:
        extra = set(self.public_modules or [])  # type: ignore[attr-defined]
        if module in extra or any(module.startswith(name + ".") for name in extra):
            return True
        return module.rsplit(".", 1)[-1] in set(self.public_names)  # type: ignore[attr-defined]

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        wrong = []
        for importer in sorted(graph.modules):
            source = self._app_of(importer)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = self._app_of(imported)
                if target is None or target == source or self._is_public(imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = sorted({detail["line_number"] for detail in details})
                wrong.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not wrong, metadata={"wrong": wrong})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["wrong"]:
            lines = ", ".join(map(str, item["lines"]))
            output.print_error(f"- {item['importer']} -> {item['imported']} (l.{lines})")
        output.new_line()
