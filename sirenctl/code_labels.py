"""The label table type (stored code -> words in the interface language) and the role labels.

Kept apart from sirenctl/labels.py, which also reaches the reports' vocabulary, so that the
security layer can name roles in its messages without importing the reports.
"""

from __future__ import annotations

from collections.abc import Iterable

from sirenctl.i18n import C_, LazyText, translate


class LazyLabel(LazyText):
    """A label inside a domain error (:func:`sirenctl.i18n.L_`): English as ``str()`` (the audit
    log), the label in the user's language where the message is shown (context kept)."""

    def translated(self) -> str:
        return translate(self.template)


class Labels(dict[str, str]):
    """English labels (marked ``N_`` or ``C_``) that read back in the current language."""

    def lazy(self, code: object) -> str:
        """The label of ``code`` for a message translated when shown; unknown codes as is."""
        text = str(code)
        raw = dict.get(self, text)
        return LazyLabel(raw, {}) if raw is not None else text

    def lazy_list(self, codes: Iterable[object]) -> str:
        """``a, b`` of lazy labels (sorted by code), for the same use."""
        items = sorted(str(c) for c in codes)
        template = ", ".join(f"{{v{i}}}" for i in range(len(items)))
        return LazyText(template, {f"v{i}": self.lazy(c) for i, c in enumerate(items)})

    def __getitem__(self, key: str) -> str:
        return translate(super().__getitem__(key))

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if key not in self:
            return default
        return self[key]

    def show(self, code: object) -> str:
        """The label of ``code``; an unknown code as itself, None as ``""``."""
        if code is None:
            return ""
        text = str(code)
        return self.get(text, text) or text


ROLE = Labels(
    {
        "technician": C_("role", "technician"),
        "planner": C_("role", "planner"),
        "approver": C_("role", "approver"),
        "administrator": C_("role", "administrator"),
        "service": C_("role", "service"),
    }
)
