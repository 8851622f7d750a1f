"""A word in 5-row block letters, readable from a step away from the laptop."""

from __future__ import annotations

from textual.widgets import Static

FONT: dict[str, tuple[str, ...]] = {
    "A": (" ███ ", "█   █", "█████", "█   █", "█   █"),
    "C": (" ████", "█    ", "█    ", "█    ", " ████"),
    "D": ("████ ", "█   █", "█   █", "█   █", "████ "),
    "E": ("█████", "█    ", "████ ", "█    ", "█████"),
    "I": ("█████", "  █  ", "  █  ", "  █  ", "█████"),
    "K": ("█   █", "█  █ ", "███  ", "█  █ ", "█   █"),
    "L": ("█    ", "█    ", "█    ", "█    ", "█████"),
    "N": ("█   █", "██  █", "█ █ █", "█  ██", "█   █"),
    "O": (" ███ ", "█   █", "█   █", "█   █", " ███ "),
    "P": ("████ ", "█   █", "████ ", "█    ", "█    "),
    "R": ("████ ", "█   █", "████ ", "█  █ ", "█   █"),
    "S": (" ████", "█    ", " ███ ", "    █", "████ "),
    "T": ("█████", "  █  ", "  █  ", "  █  ", "  █  "),
    "V": ("█   █", "█   █", "█   █", " █ █ ", "  █  "),
    "Y": ("█   █", " █ █ ", "  █  ", "  █  ", "  █  "),
    " ": ("   ", "   ", "   ", "   ", "   "),
}


def render_word(word: str) -> str:
    """Five lines of block letters (unknown characters are left out)."""
    if any(ord(c) > 0x2E7F for c in word):  # CJK (摇, 停): no block font; bars frame the word
        spaced = "  ".join(word)
        bar = "▀" * (len(word) * 4 + 2)
        return "\n".join((bar, "", spaced, "", bar.replace("▀", "▄")))
    letters = [FONT[c] for c in word.upper() if c in FONT]
    return "\n".join(" ".join(letter[row] for letter in letters) for row in range(5))


class BigWord(Static):
    DEFAULT_CSS = """
    BigWord { width: 100%; height: 5; content-align: center middle; text-style: bold; }
    """

    def __init__(self, word: str = "", **kwargs: object) -> None:
        super().__init__(render_word(word), **kwargs)  # type: ignore[arg-type]
        self.word = word

    def set_word(self, word: str) -> None:
        if word != self.word:
            self.word = word
            self.update(render_word(word))
