"""sirenctl command-line interface (click). Never imports Textual or pymodbus at import time."""
