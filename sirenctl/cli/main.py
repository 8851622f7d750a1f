"""Entry point placeholder; replaced by the real CLI."""


def main() -> None:
    print("sirenctl")
