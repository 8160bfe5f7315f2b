"""Rasa's command line with this project's patches applied: `python -m rasa_cli run ...`.

The one place where rasa_patches.apply_all() is called for a Rasa server (make run,
the tests, the Dockerfile, compose and Kubernetes all start Rasa through it). It
stops at once, with a clear message, on an invalid setting or if Rasa is not the
version the patches were written for.
"""
from __future__ import annotations

import sys

import rasa_patches
import settings


def main() -> None:
    try:
        settings.get()  # read once, before anything starts: a bad value names its variable
    except settings.SettingsError as e:
        sys.exit(f"ERROR: {e}")
    try:
        rasa_patches.apply_all()
    except rasa_patches.RasaVersionMismatch as e:
        sys.exit(f"ERROR: {e}")
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
