"""Catalogue maintenance (needs Babel, a development dependency; never imported at run time).

``python -m sirenctl.i18n_catalog extract|update|compile|check`` (docs/translating.md).

The extractor :func:`extract` (named in babel.cfg) finds, besides ``_()``/``N_()``/``ngettext()``
calls, what click shows without a call: command and group docstrings and ``help=``/``epilog=``/
``short_help=`` of options, arguments and commands, cleaned the way click cleans them
(``inspect.cleandoc``), so :func:`sirenctl.cli.localize.localize_command` finds them verbatim.
Click's own messages ("Usage:", "Missing option …") are extracted from the installed click.
``pgettext(context, message)`` and the marker ``C_(context, message)`` are extracted with their
context (``msgctxt``), so one English word can have different Chinese in different places.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from collections.abc import Collection, Iterator, Mapping
from io import BytesIO
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("sirenctl", "drivers", "simulators", "schedules")
LOCALE_DIR = ROOT / "sirenctl" / "locale"
POT_FILE = LOCALE_DIR / "sirenctl.pot"
LANGUAGES = ("zh",)
CALLS = {"_": 1, "N_": 1, "L_": 1, "ngettext": 2}
CONTEXT_CALLS = {"pgettext", "C_"}  # (context, message): extracted as pgettext, with msgctxt
CLICK_DECORATORS = {"command", "group"}
CLICK_HELP_CALLS = {"option", "argument", "command", "group", "Option", "Argument"}
HELP_KEYWORDS = {"help", "epilog", "short_help"}
PLACEHOLDER = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%\([a-z_]+\)[sd]|%[sd]"
)

Extracted = tuple[int, str, str | tuple[str, ...], list[str]]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_click_decorated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _name(target) in CLICK_DECORATORS:
            return True
    return False


def extract_source(source: str) -> Iterator[Extracted]:
    """(line, function, message(s), comments) for every translatable literal in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in CALLS and len(node.args) >= CALLS[name]:
                texts = [_text(arg) for arg in node.args[: CALLS[name]]]
                if all(texts):
                    message: str | tuple[str, ...] = (
                        str(texts[0]) if len(texts) == 1 else tuple(t for t in texts if t)
                    )
                    yield node.lineno, "_" if name == "L_" else name, message, []
            if name in CONTEXT_CALLS and len(node.args) >= 2:
                context, text = _text(node.args[0]), _text(node.args[1])
                if context and text:
                    yield node.lineno, "pgettext", (context, text), ["context: " + context]
            if name == "Binding":  # description: sirenctl/tui/base.py localize_bindings
                texts = [_text(a) for a in node.args[2:3]] + [
                    _text(k.value) for k in node.keywords if k.arg == "description"
                ]
                for text in texts:
                    if text:
                        yield node.lineno, "_", text, ["key binding"]
            if name == "echo_table":  # sirenctl/cli/common.py translates headers and title
                if node.args and isinstance(node.args[0], ast.List | ast.Tuple):
                    for element in node.args[0].elts:
                        if _text(element):
                            yield element.lineno, "_", _text(element) or "", ["table header"]
                for keyword in node.keywords:
                    if keyword.arg == "title" and _text(keyword.value):
                        yield keyword.value.lineno, "_", _text(keyword.value) or "", ["title"]
            if name in CLICK_HELP_CALLS:
                for keyword in node.keywords:
                    value = _text(keyword.value) if keyword.arg in HELP_KEYWORDS else None
                    if value:
                        yield keyword.value.lineno, "_", inspect.cleandoc(value), ["click help"]
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "COLUMNS" for t in node.targets)
            and isinstance(node.value, ast.Tuple | ast.List)
        ):  # TUI table columns: ((header, width), ...), translated at add_column
            for element in node.value.elts:
                if isinstance(element, ast.Tuple) and element.elts and _text(element.elts[0]):
                    yield element.lineno, "_", _text(element.elts[0]) or "", ["column"]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_click_decorated(node):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, "_", doc, ["click help"]


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Any
) -> Iterator[Extracted]:
    """Babel extraction method (babel.cfg: ``[sirenctl.i18n_catalog:extract: **.py]``)."""
    yield from extract_source(fileobj.read().decode("utf-8"))


def placeholders(text: str) -> list[str]:
    """Named ``{placeholders}`` and %-style fields, sorted (order may change in a translation)."""
    return sorted(PLACEHOLDER.findall(text))


def build_template() -> Any:
    """A fresh catalogue template: our sources plus click's own messages."""
    import click
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="sirenctl", charset="utf-8")
    method_map = [("**.py", "sirenctl.i18n_catalog:extract")]
    for folder in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT / folder), method_map=method_map
        ):
            catalog.add(
                message,
                locations=[(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    click_dir = Path(click.__file__).parent
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(click_dir), method_map=[("**.py", "python")]
    ):
        if message in catalog:
            continue
        catalog.add(message, locations=[(f"click/{filename}", lineno)], auto_comments=["click"])
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "sirenctl.po"


def read_po(language: str) -> Any:
    from babel.messages.pofile import read_po as _read

    with po_path(language).open("rb") as fh:
        return _read(fh, locale=language)


def write_po(language: str, catalog: Any) -> None:
    from babel.messages.pofile import write_po as _write

    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    _write(buffer, catalog, width=100, sort_output=False, omit_header=False)
    path.write_bytes(buffer.getvalue())


def mo_bytes(catalog: Any) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def cmd_extract() -> None:
    from babel.messages.pofile import write_po as _write

    with POT_FILE.open("wb") as fh:
        _write(fh, build_template(), width=100)
    print(f"wrote {POT_FILE.relative_to(ROOT)}")


def cmd_update() -> None:
    from babel.messages.catalog import Catalog

    template = build_template()
    for language in LANGUAGES:
        if po_path(language).exists():
            catalog = read_po(language)
        else:
            catalog = Catalog(locale=language, project="sirenctl", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write_po(language, catalog)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(
            f"{po_path(language).relative_to(ROOT)}: {len(catalog)} messages, {missing} untranslated"
        )


def cmd_compile() -> None:
    for language in LANGUAGES:
        target = po_path(language).with_suffix(".mo")
        target.write_bytes(mo_bytes(read_po(language)))
        print(f"wrote {target.relative_to(ROOT)}")


def problems(language: str) -> list[str]:
    """Messages of our sources without a translation, or whose placeholders differ."""
    template = build_template()
    catalog = read_po(language)
    found: list[str] = []
    for message in template:
        if not message.id or message.auto_comments == ["click"]:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
        entry = catalog.get(message.id, context=message.context)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            found.append(f"untranslated ({where}): {ids[0]!r}")
            continue
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]) and placeholders(text) != placeholders(
                ids[0]
            ):
                found.append(f"placeholders differ ({where}): {ids[0]!r} -> {text!r}")
    return found


def cmd_check() -> int:
    status = 0
    for language in LANGUAGES:
        found = problems(language)
        for line in found:
            print(f"{language}: {line}")
        committed = po_path(language).with_suffix(".mo")
        if not committed.exists() or committed.read_bytes() != mo_bytes(read_po(language)):
            print(f"{language}: {committed.relative_to(ROOT)} is stale: run compile")
            status = 1
        status = status or (1 if found else 0)
    return status


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    commands = {"extract": cmd_extract, "update": cmd_update, "compile": cmd_compile}
    if args[:1] == ["check"]:
        return cmd_check()
    if len(args) != 1 or args[0] not in commands:
        print("usage: python -m sirenctl.i18n_catalog extract|update|compile|check")
        return 2
    commands[args[0]]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
