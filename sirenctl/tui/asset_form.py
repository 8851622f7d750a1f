"""Add or edit an asset. Each field is checked with the registry's own parser as you type;
problems found on save (cross-field rules, conflicts) are shown next to their field."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from sirenctl.i18n import Language, _, current_language, localized, ngettext
from sirenctl.models import AssetKind, AssetStatus, Transport
from sirenctl.registry.errors import ValidationFailed
from sirenctl.registry.fields import ASSET_SPECS
from sirenctl.tui.base import SirenModal, post_result
from sirenctl.tui.data import AssetDetail
from sirenctl.tui.format import KIND_LABELS, STATUS_LABELS
from sirenctl.tui.messages import FormMessage, FormProblems, FormSaved, SitesLoaded

YES_NO = [("yes", "yes"), ("no", "no")]
FIRST_PAINT = 8  # fields mounted before the form is first shown
CHOICES: dict[str, list[tuple[str, str]]] = {
    "kind": [(KIND_LABELS[k], k.value) for k in AssetKind],
    "status": [(STATUS_LABELS[s], s.value) for s in AssetStatus if s != AssetStatus.RETIRED],
    "controller_transport": [(t.value, t.value) for t in Transport],
    "power_mains": YES_NO,
    "battery_backup": YES_NO,
    "is_bench": YES_NO,
}


class PassphraseAsked(Message):
    """Saving ``raw`` changes protected ``fields``: ask for the passphrase."""

    def __init__(self, raw: dict[str, str], fields: list[str]) -> None:
        super().__init__()
        self.raw, self.fields = raw, fields


class AssetFormScreen(SirenModal):
    """Dismisses with the saved tag, or None when cancelled."""

    DEFAULT_CSS = """
    AssetFormScreen { align: center middle; }
    AssetFormScreen #form-box {
        width: 90%; max-width: 100; height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AssetFormScreen .field { height: auto; }
    AssetFormScreen #more-fields { height: auto; }
    AssetFormScreen .field Label.name { width: 22; padding-top: 0; }
    AssetFormScreen .field Input, AssetFormScreen .field Select { width: 1fr; }
    AssetFormScreen .error { color: $text-error; height: auto; padding-left: 22; display: none; }
    AssetFormScreen .error.-shown { display: block; }
    AssetFormScreen #form-buttons { height: 1; align-horizontal: right; }
    AssetFormScreen #form-buttons Button { margin-left: 2; }
    AssetFormScreen #form-message { color: $text-error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("f2", "save", "Save", id="form.save_f2", show=False),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, detail: AssetDetail | None) -> None:
        super().__init__()
        self.detail = detail
        self.original = detail.form_text() if detail else {}

    @property
    def editing(self) -> bool:
        return self.detail is not None

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = (
                _("Edit {tag}").format(tag=self.detail.tag) if self.detail else _("New asset")
            )
            box.border_subtitle = _("ctrl+s or F2 save · esc cancel")
            keys = list(ASSET_SPECS)
            with VerticalScroll(id="form-fields"):
                yield from self._rows(keys[:FIRST_PAINT])
                # the rest is mounted right after the first paint: the form shows at once
                with Lazy(Vertical(id="more-fields")):
                    yield from self._rows(keys[FIRST_PAINT:])
            yield Static("", id="form-message")
            with Horizontal(id="form-buttons"):
                yield Button(_("Save"), id="save", variant="primary", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def _rows(self, keys: list[str]) -> ComposeResult:
        for key in keys:
            with Horizontal(classes="field"):
                star = "*" if ASSET_SPECS[key].required else ""
                yield Label(f"{key}{star}", classes="name")
                yield self._editor(key)
            yield Static("", id=f"err-{key}", classes="error")

    def _editor(self, key: str) -> Input | Select[str]:
        spec = ASSET_SPECS[key]
        text = self.original.get(key, "")
        if key == "site":
            return Select(
                [(text, text)] if text else [],
                id=f"f-{key}",
                value=text or Select.NULL,
                prompt="site",
                compact=True,
            )
        if key in CHOICES:
            options = CHOICES[key]
            value = text if any(v == text for _, v in options) else Select.NULL
            return Select(options, id=f"f-{key}", value=value, prompt=key, compact=True)
        field = Input(
            text,
            id=f"f-{key}",
            placeholder=spec.help,
            compact=True,
            tooltip=f"{spec.help} ({spec.zh})",
        )
        if key == "tag" and self.editing:
            field.disabled = True
        return field

    def on_mount(self) -> None:
        self.load_sites()
        first = "#f-name" if self.editing else "#f-tag"
        self.query_one(first, Input).focus()

    @work(thread=True, exit_on_error=False)
    def load_sites(self) -> None:
        post_result(self, SitesLoaded(self.services.registry.site_choices()))

    def on_sites_loaded(self, message: SitesLoaded) -> None:
        select = self.query_one("#f-site", Select)
        current = self.original.get("site") or None
        select.set_options([(label, code) for code, label in message.choices])
        if current:
            select.value = current

    # ---- values and validation -------------------------------------------------------------
    def raw_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ASSET_SPECS:
            widget = self.query_one(f"#f-{key}")
            if isinstance(widget, Select):
                value = widget.value
                out[key] = "" if value is Select.NULL else str(value)
            else:
                assert isinstance(widget, Input)
                out[key] = widget.value
        return out

    def set_error(self, key: str, message: str | None) -> None:
        label = self.query_one(f"#err-{key}", Static)
        label.update(f"↑ {message}" if message else "")
        label.set_class(bool(message), "-shown")

    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "")[2:]
        if key in ASSET_SPECS:
            self.set_error(key, self.services.registry.check_field(key, event.value))

    @on(Select.Changed)
    def choice_changed(self, event: Select.Changed) -> None:
        key = (event.select.id or "")[2:]
        if key in ASSET_SPECS:
            self.set_error(key, None)

    # ---- actions -----------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for key in ASSET_SPECS:
            self.set_error(key, None)
        self.query_one("#form-message", Static).update(_("saving…"))
        self.save(self.raw_values())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="asset-save")
    def save(self, raw: dict[str, str], passphrase: str | None = None) -> None:
        from sirenctl.security.errors import AuthError, NotPermitted, TrustProblem
        from sirenctl.tui.data import PassphraseNeeded

        registry = self.services.registry
        try:
            if self.detail is None:
                tag = registry.add_asset(raw, passphrase)
                message = _("asset {tag} added").format(tag=tag)
            else:
                tag = self.detail.tag
                changed = registry.edit_asset(tag, self.original, raw, passphrase)
                labels = ("、" if current_language() is Language.ZH else ", ").join(
                    ASSET_SPECS[key].label if key in ASSET_SPECS else key for key in changed
                )
                message = (
                    _("{tag}: saved {fields}").format(tag=tag, fields=labels)
                    if changed
                    else _("{tag}: nothing changed").format(tag=tag)
                )
        except ValidationFailed as exc:
            post_result(self, FormProblems(exc))
            return
        except PassphraseNeeded as exc:
            post_result(self, PassphraseAsked(raw, exc.fields))
            return
        except (AuthError, NotPermitted, TrustProblem) as exc:
            post_result(self, FormMessage(_("not saved: {error}").format(error=localized(exc))))
            return
        except Exception:
            post_result(self, FormMessage(""))
            raise
        post_result(self, FormSaved(tag, message))

    def on_form_problems(self, message: FormProblems) -> None:
        self.show_problems(message.problems)

    def on_form_message(self, message: FormMessage) -> None:
        self.query_one("#form-message", Static).update(message.text)

    def on_passphrase_asked(self, message: PassphraseAsked) -> None:
        raw, fields = message.raw, message.fields
        from sirenctl.tui.passphrase_dialog import PassphraseDialog

        def answered(passphrase: str | None) -> None:
            if passphrase is None:
                self.query_one("#form-message", Static).update(_("not saved (cancelled)"))
            else:
                self.save(raw, passphrase)

        what = _("Changing {fields}").format(fields=", ".join(fields))
        self.app.push_screen(PassphraseDialog(self.services.operator, what), answered)

    def show_problems(self, exc: ValidationFailed) -> None:
        first = None
        for problem in exc.problems:
            if problem.field in ASSET_SPECS:
                self.set_error(problem.field, localized(problem.message))
                first = first or problem.field
        count = len(exc.problems)
        self.query_one("#form-message", Static).update(
            ngettext(
                "{count} problem: fix the marked fields; nothing was saved",
                "{count} problems: fix the marked fields; nothing was saved",
                count,
            ).format(count=count)
        )
        if first:
            widget = self.query_one(f"#f-{first}")
            widget.focus()
            widget.scroll_visible()

    def on_form_saved(self, message: FormSaved) -> None:
        self.notify(message.text, title=_("Saved"))
        self.dismiss(message.result)
