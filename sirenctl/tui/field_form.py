"""A small modal form: labelled fields, problems shown under their field, save in a worker.

Subclasses list their fields and say how to save (``submit``, run in a thread worker, returns the
result to dismiss with and a notification). A :class:`ValidationFailed` from the service marks its
fields (problems about something the form has no field for go to the message line); anything else
becomes an error notification and the form stays open, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from sirenctl.i18n import _, localized
from sirenctl.registry.errors import ValidationFailed
from sirenctl.tui.base import SirenModal, post_result
from sirenctl.tui.messages import FormMessage, FormProblems, FormSaved


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] | None = None  # (label, value): a drop-down
    required: bool = False


def form_bindings(prefix: str) -> list[BindingType]:
    return [
        Binding("ctrl+s", "save", "Save", id=f"{prefix}.save"),
        Binding("f2", "save", "Save", id=f"{prefix}.save_f2", show=False),
        Binding("escape", "cancel", "Cancel", id=f"{prefix}.cancel"),
    ]


class FormChoices(Message):
    """The options of each choice field, by field key."""

    def __init__(self, loaded: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__()
        self.loaded = loaded


class FieldForm(SirenModal):
    DEFAULT_CSS = """
    FieldForm { align: center middle; }
    FieldForm .form-box {
        width: 90%; max-width: 100; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FieldForm .form-head { height: auto; color: $text-muted; }
    FieldForm .form-fields { height: auto; max-height: 1fr; }
    FieldForm .field { height: auto; }
    FieldForm .field Label.name { width: 20; }
    FieldForm .field Input, FieldForm .field Select { width: 1fr; }
    FieldForm .error { color: $text-error; height: auto; padding-left: 20; display: none; }
    FieldForm .error.-shown { display: block; }
    FieldForm .form-message { color: $text-error; height: auto; }
    FieldForm .form-buttons { height: 1; align-horizontal: right; }
    FieldForm .form-buttons Button { margin-left: 2; }
    """
    FORM_TITLE = "Form"
    SAVE_LABEL = "Save"

    def fields(self) -> list[FormField]:
        raise NotImplementedError

    def head(self) -> str:
        """A line above the fields (what the form is about); empty for none."""
        return ""

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        """Save (in a worker thread): (what to dismiss with, what to tell the operator)."""
        raise NotImplementedError

    def choice_loaders(self) -> dict[str, Callable[[], list[tuple[str, str]]]]:
        """Drop-downs whose (label, value) options are read from the database on mount."""
        return {}

    # ---- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._fields = self.fields()
        with Vertical(classes="form-box") as box:
            box.border_title = _(self.FORM_TITLE)  # subclasses mark theirs N_
            box.border_subtitle = _("ctrl+s or F2 save · esc cancel")
            if self.head():
                yield Static(self.head(), classes="form-head", id="form-head")
            with VerticalScroll(classes="form-fields"):
                for spec in self._fields:
                    with Horizontal(classes="field"):
                        label = _(spec.label)  # marked N_ where the field is declared
                        yield Label(f"{label}{'*' if spec.required else ''}", classes="name")
                        yield self._editor(spec)
                    yield Static("", id=f"err-{spec.key}", classes="error")
            yield Static("", id="form-message", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button(_(self.SAVE_LABEL), id="save", variant="primary", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    @staticmethod
    def _editor(spec: FormField) -> Input | Select[str]:
        if spec.choices is not None:
            value = spec.value if any(v == spec.value for _, v in spec.choices) else Select.NULL
            return Select(
                list(spec.choices),
                id=f"f-{spec.key}",
                value=value,
                prompt=spec.placeholder or _(spec.label),
                compact=True,
            )
        return Input(spec.value, id=f"f-{spec.key}", placeholder=spec.placeholder, compact=True)

    def on_mount(self) -> None:
        if self.choice_loaders():
            self.load_choices()
        if self._fields:
            self.query_one(f"#f-{self._fields[0].key}").focus()

    @work(thread=True, exit_on_error=False, group="form-choices")
    def load_choices(self) -> None:
        loaded = {key: load() for key, load in self.choice_loaders().items()}
        post_result(self, FormChoices(loaded))

    def on_form_choices(self, message: FormChoices) -> None:
        for key, options in message.loaded.items():
            select = self.query_one(f"#f-{key}", Select)
            current = select.value
            select.set_options(options)
            if current is not Select.NULL and any(v == current for _, v in options):
                select.value = current

    # ---- values and problems -------------------------------------------------------------------
    def raw_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self._fields:
            widget = self.query_one(f"#f-{spec.key}")
            if isinstance(widget, Select):
                out[spec.key] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                assert isinstance(widget, Input)
                out[spec.key] = widget.value
        return out

    def set_error(self, key: str, message: str | None) -> None:
        label = self.query_one(f"#err-{key}", Static)
        label.update(f"↑ {message}" if message else "")
        label.set_class(bool(message), "-shown")

    def set_message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(text)

    def show_problems(self, exc: ValidationFailed) -> None:
        keys = {spec.key for spec in self._fields}
        first = None
        others = []
        for problem in exc.problems:
            if problem.field in keys:
                self.set_error(problem.field, localized(problem.message))
                first = first or problem.field
            else:
                others.append(str(problem))
        count = len(exc.problems)
        self.set_message(
            "; ".join(others)
            + ("; " if others else "")
            + f"{count} problem{'s' if count != 1 else ''}: nothing was saved"
        )
        if first:
            widget = self.query_one(f"#f-{first}")
            widget.focus()
            widget.scroll_visible()

    # ---- actions -----------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for spec in self._fields:
            self.set_error(spec.key, None)
        self.set_message("saving…")
        self.save(self.raw_values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="form-save")
    def save(self, raw: dict[str, str]) -> None:
        try:
            result, message = self.submit(raw)
        except ValidationFailed as exc:
            post_result(self, FormProblems(exc))
            return
        except Exception:
            post_result(self, FormMessage(_("not saved (see the notification)")))
            raise
        post_result(self, FormSaved(result, message))

    def on_form_problems(self, message: FormProblems) -> None:
        self.show_problems(message.problems)

    def on_form_message(self, message: FormMessage) -> None:
        self.set_message(message.text)

    def on_form_saved(self, message: FormSaved) -> None:
        self.notify(message.text, title=_("Saved"))
        self.dismiss(message.result)
