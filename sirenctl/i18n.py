"""Interface language (DESIGN.md §9): standard-library gettext over the catalogues shipped in
``sirenctl/locale/<lang>/LC_MESSAGES/sirenctl.mo`` (sources: the ``.po`` beside them; how to
update them: docs/translating.md).

Source code keeps English literals wrapped in ``_()``; Chinese comes from the catalogue. Nothing
is read until the first string is translated, so the idle cron path (``run-due``) pays only for
choosing the language.

Language: ``--lang``, then ``SIRENCTL_LANG``, then ``lang`` in the user's ``config.toml``
(:func:`sirenctl.config.config_dir`), then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
``zh*`` means Chinese); English otherwise.

Click translates its own words ("Usage:", "Missing option …") with the global ``gettext``
functions, so :func:`set_language` also makes ``sirenctl`` the global text domain and sets
``LANGUAGE`` for this process (child processes such as ``sim run`` inherit it).
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

DOMAIN = "sirenctl"
LOCALE_DIR = Path(__file__).parent / "locale"


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


_language: Language | None = None
_translation: _gettext.NullTranslations | None = None


def parse_language(value: str | None) -> Language | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans`` → Chinese; ``en…``, ``C``, ``POSIX`` → English."""
    if not value:
        return None
    text = value.strip().lower()
    if text.startswith("zh"):
        return Language.ZH
    if text.startswith("en") or text.split(".")[0] in {"c", "posix"}:
        return Language.EN
    return None


def _config_language() -> tuple[Language | None, str | None]:
    """``lang`` from the user's config file: (language, problem to report)."""
    from sirenctl.config import config_file

    path = config_file()
    if not path.is_file():
        return None, None
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, f"{path}: {exc}"
    value = data.get("lang")
    if value is None:
        return None, None
    language = parse_language(str(value))
    if language is None:
        return None, f'{path}: lang = "{value}" is not one of zh, en'
    return language, None


def resolve_language(
    option: str | None = None, environ: Mapping[str, str] | None = None
) -> Language:
    """The language to use, by the documented order (module docstring)."""
    env = os.environ if environ is None else environ
    for value in (option, env.get("SIRENCTL_LANG")):
        language = parse_language(value)
        if language is not None:
            return language
        if value:
            print(f"sirenctl: ignoring unknown language {value!r} (zh, en)", file=sys.stderr)
    language, problem = _config_language()
    if problem:
        print(f"sirenctl: ignoring {problem}", file=sys.stderr)
    if language is not None:
        return language
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return Language.ZH if value.lower().startswith("zh") else Language.EN
    return Language.EN


def set_language(language: Language | str) -> Language:
    """Use ``language`` from now on (for sirenctl's strings and click's)."""
    global _language, _translation
    chosen = Language(language) if not isinstance(language, Language) else language
    _language, _translation = chosen, None
    os.environ["LANGUAGE"] = chosen.value
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
    return chosen


def current_language() -> Language:
    if _language is None:
        return set_language(resolve_language())
    return _language


def _catalogue() -> _gettext.NullTranslations:
    global _translation
    if _translation is None:
        _translation = _gettext.translation(
            DOMAIN, str(LOCALE_DIR), languages=[current_language().value], fallback=True
        )
    return _translation


def _(message: str) -> str:
    """The translation of ``message`` (an English literal) in the current language."""
    return _catalogue().gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural form for ``n``; format the result with ``n`` as a placeholder."""
    return _catalogue().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The translation of ``message`` in ``context``: one English word that needs different
    Chinese in different places ("key": 密钥 of an account, 按键 of the keyboard)."""
    return _catalogue().pgettext(context, message) if message else message


class ContextText(str):
    """An English literal marked with its gettext context (:func:`C_`); :func:`translate`
    looks it up with :func:`pgettext`."""

    context: str

    def __new__(cls, context: str, message: str) -> ContextText:
        text = super().__new__(cls, message)
        text.context = context
        return text


def C_(context: str, message: str) -> ContextText:
    """Mark ``message`` with ``context`` without translating it now (table headers, columns:
    translated where they are shown, by :func:`translate`)."""
    return ContextText(context, message)


def translate(message: str) -> str:
    """``_()`` for a plain literal, ``pgettext()`` for one marked by :func:`C_`."""
    if isinstance(message, ContextText):
        return pgettext(message.context, str(message))
    return _(message)


class LazyText(str):
    """English text now, translated when shown: the message of a domain error (:func:`L_`).

    ``str()`` of it is the English sentence, which is what the audit log and the database store
    (language-neutral, docs/translating.md); :func:`localized` gives the user's language."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, values: dict[str, object]) -> LazyText:
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template, text.values = template, values
        return text

    def translated(self) -> str:
        values = {
            k: localized(v) if isinstance(v, BaseException) or _is_text(v) else v
            for k, v in self.values.items()
        }
        return _(self.template).format(**values) if values else _(self.template)


def L_(template: str, **values: object) -> LazyText:
    """An error message: English ``template.format(**values)`` now, translated by
    :func:`localized` where it is shown (the CLI's stderr, a TUI notification)."""
    return LazyText(template, values)


def _is_text(value: object) -> bool:
    """A message :func:`localized` can translate (:class:`LazyText`, a driver message)."""
    from sirenctl.drivers.problems import DriverText

    return isinstance(value, LazyText | DriverText)


def as_text(exc: BaseException, *, target: bool = True) -> str:
    """The message of ``exc`` to keep or pass on (a result, a report): English as ``str``, and
    still translatable by :func:`localized` when ``exc`` carries a :class:`LazyText` or a
    driver message (sirenctl/drivers/problems.py); else just ``str(exc)``. ``target=False``
    leaves out the siren a driver error names (where the row or key names it already)."""
    if len(exc.args) == 1 and _is_text(exc.args[0]):
        message: str = exc.args[0]
        shown = str(exc)
        if shown == str(message):  # not a class that words its own message
            return message
        siren = getattr(exc, "target", None)  # a driver error names its siren
        if siren and shown == f"{siren}: {message}":
            return L_("{target}: {error}", target=siren, error=message) if target else message
    return str(exc)


def localized(value: object) -> str:
    """``value`` in the current language: a :class:`LazyText`, a driver message
    (:class:`sirenctl.drivers.problems.DriverText`, translated by its code's template), or an
    exception whose message is one of those (:func:`as_text`); anything else as ``str(value)``."""
    from sirenctl.drivers.problems import DriverText

    if isinstance(value, BaseException):
        value = as_text(value)
    if isinstance(value, LazyText):
        return value.translated()
    if isinstance(value, DriverText):
        return value.render(_, localized)
    return str(value)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (class-level constants:
    translate with ``_()`` where the text is shown)."""
    return message


def in_language(english: str, chinese: str) -> str:
    """Text written in both languages by hand (shipped schedule data's ``title`` and
    ``title_zh``): the Chinese one in Chinese when there is one, else the English one."""
    return chinese if chinese and current_language() is Language.ZH else english


__all__ = [
    "C_",
    "DOMAIN",
    "LOCALE_DIR",
    "ContextText",
    "in_language",
    "L_",
    "Language",
    "as_text",
    "LazyText",
    "N_",
    "_",
    "current_language",
    "localized",
    "ngettext",
    "parse_language",
    "pgettext",
    "resolve_language",
    "set_language",
    "translate",
]
