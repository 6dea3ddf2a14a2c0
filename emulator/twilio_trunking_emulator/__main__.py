"""``python -m twilio_trunking_emulator``: same as ``twilio-trunking-emulator``."""

from .cli import main

raise SystemExit(main())
